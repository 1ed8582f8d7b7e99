package org.gochat.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.util.Optional;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

class KeystorePasswordTest {

    @TempDir
    Path data;

    @Test
    void aPasswordIsGeneratedOnceOwnerOnlyAndGivenToLiberty() throws Exception {
        KeystorePassword.ensure(data, Optional.empty());
        String password = Files.readString(data.resolve("keystore-password")).trim();
        assertEquals(20, password.length());
        assertEquals(password, includedPassword());
        for (String file : new String[] {"keystore-password", "keystore.xml"}) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(file))), file);
        }

        KeystorePassword.ensure(data, Optional.empty()); // the next start
        assertEquals(password, Files.readString(data.resolve("keystore-password")).trim());
        assertEquals(password, includedPassword());
    }

    @Test
    void aPasswordOfTheOperatorsOwnIsNotWrittenAnywhere() throws Exception {
        KeystorePassword.ensure(data, Optional.of("the operator's"));
        try (Stream<Path> files = Files.list(data)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void aKeystoreWhosePasswordWasNotKeptIsMovedAsideForANewOne() throws Exception {
        writeKeystore(data.resolve("key.p12"), "lost");
        KeystorePassword.ensure(data, Optional.empty());
        assertFalse(Files.exists(data.resolve("key.p12")), "Liberty creates a new one");
        try (Stream<Path> files = Files.list(data)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("key.p12.unreadable-")));
        }
    }

    @Test
    void aKeptKeystoreStaysWhereItIs() throws Exception {
        KeystorePassword.ensure(data, Optional.empty());
        writeKeystore(data.resolve("key.p12"), Files.readString(data.resolve("keystore-password")).trim());
        KeystorePassword.ensure(data, Optional.empty());
        assertTrue(Files.exists(data.resolve("key.p12")));
    }

    @Test
    void anyPasswordAnOperatorPutInTheFileReachesLibertyIntact() throws Exception {
        Files.writeString(data.resolve("keystore-password"), "a\"b<c>&d'e\n");
        KeystorePassword.ensure(data, Optional.empty());
        assertEquals("a\"b<c>&d'e", includedPassword());
    }

    private String includedPassword() throws Exception {
        byte[] xml = Files.readAllBytes(data.resolve("keystore.xml"));
        Element variable = (Element) DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml)).getElementsByTagName("variable").item(0);
        assertEquals("GOCHAT_KEYSTORE_PASSWORD", variable.getAttribute("name"), new String(xml, StandardCharsets.UTF_8));
        return variable.getAttribute("defaultValue");
    }

    private static void writeKeystore(Path file, String password) throws Exception {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        try (OutputStream out = Files.newOutputStream(file)) {
            keyStore.store(out, password.toCharArray());
        }
    }
}

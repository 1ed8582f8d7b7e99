package org.gochat.db;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The password of the TLS keystore ({@code key.p12} in the data folder, which Liberty creates with
 * a self-signed certificate). When the operator sets none (GOCHAT_KEYSTORE_PASSWORD), one is
 * generated once into the data folder's {@code keystore-password} and handed to Liberty through
 * {@code keystore.xml} there, which server.xml includes if present. The run command writes it before
 * the server starts; a server started otherwise (the runnable jar, the container image, an
 * installation of the package) writes it as its first application starts, and Liberty, which
 * watches its configuration, then creates the keystore and opens its HTTPS port.
 *
 * <p>A keystore the password cannot open is reported with what to do: one left from a time the
 * password was not kept (no {@code keystore-password} yet) is moved aside for a new one.
 */
public final class KeystorePassword {

    public static final String VARIABLE = "GOCHAT_KEYSTORE_PASSWORD";
    static final String FILE = "keystore-password";
    static final String INCLUDE = "keystore.xml";
    static final String KEYSTORE = "key.p12";

    private static final Logger LOG = Logger.getLogger(KeystorePassword.class.getName());

    private KeystorePassword() {
    }

    /** Makes sure the keystore in {@code data} has a password Liberty knows: {@code configured}, or the generated one. */
    public static void ensure(Path data, Optional<String> configured) throws IOException {
        Path keystore = data.resolve(KEYSTORE);
        if (configured.isPresent()) {
            checkOpens(keystore, configured.get(), VARIABLE);
            return;
        }
        Path file = data.resolve(FILE);
        if (!Files.exists(file) && Files.exists(keystore)) {
            Path aside = data.resolve(KEYSTORE + ".unreadable-" + System.currentTimeMillis());
            Files.move(keystore, aside);
            LOG.warning("The TLS keystore " + keystore + " was made with a password that is not kept in " + file
                    + ": moved aside to " + aside + "; a new self-signed one is created.");
        }
        String password = DataFolder.secret(data, FILE);
        checkOpens(keystore, password, file.toString());
        String include = """
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- Written by GoChat from keystore-password (GOCHAT_KEYSTORE_PASSWORD, when set, takes precedence). -->
                <server>
                  <variable name="%s" defaultValue="%s"/>
                </server>
                """.formatted(VARIABLE, xmlAttribute(password));
        Path includeFile = data.resolve(INCLUDE);
        if (!Files.exists(includeFile) || !Files.readString(includeFile).equals(include)) {
            Files.deleteIfExists(includeFile);
            DataFolder.readOrCreate(includeFile, () -> include);
        }
    }

    private static void checkOpens(Path keystore, String password, String from) {
        if (!Files.exists(keystore)) {
            return; // Liberty creates it
        }
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore.getInstance("PKCS12").load(in, password.toCharArray());
        } catch (IOException | GeneralSecurityException e) {
            LOG.severe("The TLS keystore " + keystore + " does not open with the password of " + from + " ("
                    + e.getMessage() + "), so HTTPS stays off. Give the keystore's password, or delete the"
                    + " keystore to have a new self-signed one created.");
        }
    }

    private static String xmlAttribute(String value) {
        return value.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }
}

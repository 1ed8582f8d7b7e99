package org.gochat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No container runtime runs where this project is built, so the Containerfile is checked by
 * reading it: against the layout of the official Open Liberty image (its Dockerfiles in
 * OpenLiberty/ci.docker: /config is a link to /opt/ol/wlp/usr/servers/defaultServer, the server's
 * folder, owned by user 1001 and group 0; configure.sh finishes an application image) and against
 * the server this build assembled, whose files must land in /config where the server expects them.
 */
class ContainerfileIT {

    /** The official image's server folder (/opt/ol/wlp/usr/servers/defaultServer). */
    private static final String CONFIG = "/config/";
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Path SERVER = REPO.resolve("liberty-config/target/liberty/wlp/usr/servers/gochat");

    private static final List<List<String>> instructions = new ArrayList<>();
    private static final Map<String, String> args = new HashMap<>();

    @BeforeAll
    static void read() throws IOException {
        String text = Files.readString(REPO.resolve("liberty-config/Containerfile")).replace("\\\n", " ");
        for (String line : text.split("\n")) {
            if (!line.isBlank() && !line.strip().startsWith("#")) {
                List<String> words = List.of(line.strip().split("\\s+"));
                instructions.add(words);
                if (words.get(0).equals("ARG") && words.get(1).contains("=")) {
                    String[] arg = words.get(1).split("=", 2);
                    args.put(arg[0], arg[1]);
                }
            }
        }
    }

    @Test
    void itBuildsOnTheOfficialFullImageOfTheBuildsLibertyVersion() {
        List<String> from = instructions.get(0);
        assertEquals("FROM", from.get(0));
        Matcher image = Pattern.compile("icr\\.io/appcafe/open-liberty:(.+)-full-java17-openj9-ubi").matcher(from.get(1));
        assertTrue(image.matches(), from.get(1));
        assertEquals(System.getProperty("gochat.liberty.version"), image.group(1));
    }

    /**
     * Every COPY takes files of the assembled server and puts each at its own place under /config,
     * owned as the image's user; together they bring server.xml, the configuration drop-ins, the
     * shared library and the WARs.
     */
    @Test
    void itCopiesTheAssembledServerIntoTheImagesServerFolder() throws IOException {
        Set<String> copied = new TreeSet<>();
        for (List<String> copy : instructions.stream().filter(i -> i.get(0).equals("COPY")).toList()) {
            assertEquals("--chown=1001:0", copy.get(1), copy.toString());
            String target = copy.get(copy.size() - 1);
            for (String source : copy.subList(2, copy.size() - 1)) {
                Path from = REPO.resolve(expand(source)).normalize();
                assertTrue(from.startsWith(SERVER), source + " is not in the assembled server " + SERVER);
                String inServer = SERVER.relativize(source.endsWith("/") || !source.contains("*") && Files.isDirectory(from)
                        ? from : from.getParent()).toString();
                assertEquals(CONFIG + (inServer.isEmpty() ? "" : inServer + "/"), target, copy.toString());
                List<Path> files = matching(from);
                assertFalse(files.isEmpty(), source + " matches nothing in the assembled server");
                files.forEach(f -> copied.add(SERVER.relativize(f).toString()));
            }
        }
        Set<String> needed = new TreeSet<>(Set.of("server.xml"));
        needed.addAll(filesUnder("configDropins"));
        needed.addAll(filesUnder("lib/gochat"));
        needed.addAll(filesUnder("apps").stream().filter(f -> !f.startsWith("apps/expanded/")).toList());
        assertTrue(needed.contains("apps/root.war/WEB-INF/web.xml") && needed.stream().anyMatch(f -> f.startsWith("lib/gochat/")),
                "the server is not assembled: " + needed);
        assertTrue(copied.containsAll(needed), "not copied: " + needed.stream().filter(f -> !copied.contains(f)).toList());
    }

    @Test
    void itExposesTheServersPortsAndEndsWithConfigure() throws IOException {
        String serverXml = Files.readString(REPO.resolve("liberty-config/src/main/liberty/config/server.xml"));
        List<String> expose = instructions.stream().filter(i -> i.get(0).equals("EXPOSE")).findFirst().orElseThrow();
        assertEquals(List.of(defaultOf(serverXml, "GOCHAT_HTTP_PORT"), defaultOf(serverXml, "GOCHAT_HTTPS_PORT")),
                expose.subList(1, expose.size()));
        assertEquals(List.of("RUN", "configure.sh"), instructions.get(instructions.size() - 1));
    }

    private static String defaultOf(String serverXml, String variable) {
        Matcher m = Pattern.compile("<variable name=\"" + variable + "\" defaultValue=\"([^\"]*)\"").matcher(serverXml);
        assertTrue(m.find(), variable);
        return m.group(1);
    }

    /** ${NAME} replaced by the ARG's default. */
    private static String expand(String word) {
        Matcher m = Pattern.compile("\\$\\{(\\w+)}").matcher(word);
        return m.replaceAll(r -> Matcher.quoteReplacement(args.getOrDefault(r.group(1), r.group())));
    }

    /** The files a COPY source names: a file, a folder's files, or a glob's matches. */
    private static List<Path> matching(Path source) throws IOException {
        if (source.getFileName().toString().contains("*")) {
            PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + source.getFileName());
            try (Stream<Path> files = Files.list(source.getParent())) {
                return files.filter(f -> glob.matches(f.getFileName())).toList();
            }
        }
        if (Files.isDirectory(source)) {
            try (Stream<Path> files = Files.walk(source)) {
                return files.filter(Files::isRegularFile).toList();
            }
        }
        return Files.exists(source) ? List.of(source) : List.of();
    }

    private static Set<String> filesUnder(String dir) throws IOException {
        if (!Files.isDirectory(SERVER.resolve(dir))) {
            return Set.of();
        }
        try (Stream<Path> files = Files.walk(SERVER.resolve(dir))) {
            return files.filter(Files::isRegularFile).map(f -> SERVER.relativize(f).toString()).collect(Collectors.toSet());
        }
    }
}

package org.gochat.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports for the servers and databases of tests and benchmarks. A port is chosen below the
 * system's ephemeral range: a port the system picked for us ({@code new ServerSocket(0)}) is one it
 * also gives to outgoing connections as their local port, and the tests make thousands of those, so
 * between the choice and the server's bind, seconds later, one of them could take it ("Address
 * already in use"). Below the range only listeners compete, and the bind check here sees them.
 */
public final class Ports {

    private static final int LOWEST = 10_000;
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    /** Ports handed out by this process, never handed out twice (two servers may start at once). */
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    private Ports() {
    }

    /** A TCP port that nothing listens on right now, and that no outgoing connection will take. */
    public static int free() {
        int below = ephemeralStart();
        for (int attempt = 0; attempt < 200 && below > LOWEST; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
            if (!GIVEN.contains(port) && bindable(port) && GIVEN.add(port)) {
                return port;
            }
        }
        return anyFree(); // no such range on this system: the system's choice
    }

    /** The first port of the system's ephemeral range (Linux; the IANA range's start elsewhere). */
    private static int ephemeralStart() {
        try {
            return Integer.parseInt(Files.readString(EPHEMERAL_RANGE).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 49_152;
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int anyFree() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

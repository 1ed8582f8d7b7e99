package org.gochat.system;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.json.Json;

import org.gochat.testkit.Http;

/**
 * A client with a client address of its own: HTTP/1.1 over a socket bound to an address of the
 * loopback network 127.0.0.0/8 (all of it is this machine), so one machine plays several clients
 * as the server tells them apart. java.net.http cannot choose its local address.
 */
final class LoopbackClient {

    /** Hands out 127.x.y.z addresses, never 127.0.0.1, from a random start so reruns on one server differ too. */
    private static final AtomicInteger NEXT = new AtomicInteger(ThreadLocalRandom.current().nextInt(1 << 20));

    private final InetAddress local;

    private LoopbackClient(InetAddress local) {
        this.local = local;
    }

    /** A client at a loopback address no other client of this run has. */
    static LoopbackClient fresh() {
        int n = NEXT.getAndIncrement();
        byte[] address = {127, (byte) (1 + n / 62_500 % 250), (byte) (1 + n / 250 % 250), (byte) (1 + n % 250)};
        try {
            return new LoopbackClient(InetAddress.getByAddress(address));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String address() {
        return local.getHostAddress();
    }

    Http.Response login(LibertyServer server, String email, String password) {
        return post(server, "/auth/login", Json.createObjectBuilder().add("email", email).add("password", password).build().toString());
    }

    Http.Response register(LibertyServer server, String username, String email, String password) {
        return post(server, "/auth/register", Json.createObjectBuilder()
                .add("username", username).add("email", email).add("password", password).build().toString());
    }

    /** One request on its own connection ({@code Connection: close}); the answer read to its end. */
    Http.Response post(LibertyServer server, String path, String json) {
        URI uri = server.uri(path);
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(local, 0));
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), uri.getPort()), 5_000);
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getAuthority()
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return read(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Http.Response read(InputStream in) throws IOException {
        byte[] all = in.readAllBytes();
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("no complete HTTP head: " + text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, colon).trim(), k -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1).trim());
        }
        byte[] rest = Arrays.copyOfRange(all, end + 4, all.length);
        boolean chunked = headers.getOrDefault("Transfer-Encoding", List.of()).stream()
                .anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("chunked"));
        byte[] body = chunked ? unchunk(rest) : rest;
        return new Http.Response(status, HttpHeaders.of(headers, (k, v) -> true), new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] unchunk(byte[] chunked) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int at = 0;
        while (true) {
            int lineEnd = indexOf(chunked, at);
            if (lineEnd < 0) {
                throw new IOException("truncated chunked body");
            }
            String size = new String(chunked, at, lineEnd - at, StandardCharsets.US_ASCII).split(";")[0].trim();
            int length = Integer.parseInt(size, 16);
            if (length == 0) {
                return body.toByteArray();
            }
            body.write(chunked, lineEnd + 2, length);
            at = lineEnd + 2 + length + 2;
        }
    }

    private static int indexOf(byte[] data, int from) {
        for (int i = from; i + 1 < data.length; i++) {
            if (data[i] == '\r' && data[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }
}

package org.gochat.system;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A WebSocket client written by hand over a plain TCP socket, for what a well-behaved client
 * library never sends: frame headers that declare more than the client will ever send.
 */
final class RawWebSocket implements AutoCloseable {

    /** A frame the server sent: its opcode and payload. */
    record Frame(int opcode, byte[] payload) {
        static final int CLOSE = 0x8;

        /** The close code of a close frame (1005 when it has none). */
        int closeCode() {
            return payload.length < 2 ? 1005 : ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(socket.getInputStream());
    }

    /** Opens {@code /chat/ws/joinRoom/{room}} with this bearer token and checks that the server switched protocols. */
    static RawWebSocket join(URI base, String room, String token) throws IOException {
        RawWebSocket ws = new RawWebSocket(new Socket(base.getHost(), base.getPort()));
        ws.socket.setSoTimeout(20_000);
        String key = Base64.getEncoder().encodeToString("gochat raw client".substring(0, 16).getBytes(StandardCharsets.US_ASCII));
        ws.out.write(("GET /chat/ws/joinRoom/" + room + " HTTP/1.1\r\n"
                + "Host: " + base.getHost() + ":" + base.getPort() + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
                + "Authorization: Bearer " + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        ws.out.flush();
        String head = ws.readHead();
        if (!head.startsWith("HTTP/1.1 101")) {
            ws.close();
            throw new IOException("handshake refused: " + head.lines().findFirst().orElse(""));
        }
        return ws;
    }

    private String readHead() throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed during the handshake: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /** Writes the header of a masked text frame (FIN set) that declares {@code length} payload bytes. */
    void textFrameHeader(long length) throws IOException {
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        h.write(0x81);
        h.write(0x80 | 127);
        for (int i = 7; i >= 0; i--) {
            h.write((int) (length >>> (8 * i)));
        }
        h.write(new byte[] {0x11, 0x22, 0x33, 0x44}); // the mask
        out.write(h.toByteArray());
        out.flush();
    }

    /** Writes payload bytes (already masked or not: the server refuses before it looks at them). */
    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Whether the server has sent something that can be read now. */
    boolean readable() throws IOException {
        return in.available() > 0;
    }

    /** The next frame from the server other than a ping, waiting at most {@code millis}; null when none came. */
    Frame next(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            while (true) {
                int b0 = in.readUnsignedByte();
                int b1 = in.readUnsignedByte();
                long length = b1 & 0x7f;
                if (length == 126) {
                    length = in.readUnsignedShort();
                } else if (length == 127) {
                    length = in.readLong();
                }
                byte[] payload = new byte[Math.toIntExact(length)];
                in.readFully(payload);
                if ((b0 & 0x0f) != 0x9) {
                    return new Frame(b0 & 0x0f, payload);
                }
            }
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    /** Whether the server closed the TCP connection (end of stream or reset) within {@code millis}. */
    boolean closedByServer(int millis) throws IOException {
        socket.setSoTimeout(millis);
        InputStream raw = socket.getInputStream();
        try {
            while (raw.read(new byte[4096]) >= 0) {
                // drain whatever else arrives
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

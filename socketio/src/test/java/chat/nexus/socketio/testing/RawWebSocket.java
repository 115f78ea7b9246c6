package chat.nexus.socketio.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A websocket spoken by hand over a plain TCP socket, to send frames that no websocket library
 * would: unmasked, reserved opcodes, bad UTF-8, oversized control frames.
 */
public final class RawWebSocket {

  private static final int TIMEOUT_MS = 10_000;

  private RawWebSocket() {}

  /** A websocket upgraded by hand, joined to "/", with the open packet and CONNECT ack read. */
  public static Socket connectSocketIo(int port) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    try {
      handshake(socket, port);
      return socket;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  private static void handshake(Socket socket, int port) throws IOException {
    socket.setSoTimeout(TIMEOUT_MS);
    OutputStream out = socket.getOutputStream();
    out.write(
        ("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                + "Host: 127.0.0.1:"
                + port
                + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed during the upgrade: " + head);
      }
      head.write(b);
    }
    expect(head.toString(StandardCharsets.US_ASCII), "HTTP/1.1 101");
    expect(text(readFrame(in)), "0{");
    out.write(maskedFrame(0x81, "40".getBytes(StandardCharsets.UTF_8)));
    expect(text(readFrame(in)), "40{");
  }

  /** True when the server sends a close frame or ends the connection before the timeout. */
  public static boolean closedByServer(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    try {
      while (true) {
        Frame frame = readFrame(in);
        if (frame == null || frame.opcode() == 0x8) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  public record Frame(int opcode, byte[] payload) {}

  /** Reads one unmasked server frame; null at the end of the stream. */
  public static Frame readFrame(InputStream in) throws IOException {
    int first = in.read();
    int second = in.read();
    if (first < 0 || second < 0) {
      return null;
    }
    long length = second & 0x7f;
    if (length == 126) {
      length = (in.read() << 8) | in.read();
    } else if (length == 127) {
      length = 0;
      for (int i = 0; i < 8; i++) {
        length = (length << 8) | in.read();
      }
    }
    byte[] payload = in.readNBytes((int) length);
    if (payload.length < length) {
      return null;
    }
    return new Frame(first & 0x0f, payload);
  }

  /** A client frame: the first byte as given (FIN, RSV, opcode), the payload masked. */
  public static byte[] maskedFrame(int firstByte, byte[] payload) {
    byte[] mask = {0x12, 0x34, 0x56, 0x78};
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(firstByte);
    if (payload.length <= 125) {
      frame.write(0x80 | payload.length);
    } else {
      frame.write(0x80 | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length & 0xff);
    }
    frame.writeBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    return frame.toByteArray();
  }

  private static String text(Frame frame) {
    return frame == null ? "<end of stream>" : new String(frame.payload(), StandardCharsets.UTF_8);
  }

  private static void expect(String actual, String prefix) throws IOException {
    if (!actual.startsWith(prefix)) {
      throw new IOException("expected " + prefix + "..., got " + actual);
    }
  }
}

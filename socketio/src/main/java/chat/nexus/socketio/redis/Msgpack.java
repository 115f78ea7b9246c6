package chat.nexus.socketio.redis;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * MessagePack as the npm adapter's parser (notepack.io) writes and reads it, mapped onto Vert.x
 * JSON values: maps are JsonObjects, arrays JsonArrays, bin (and notepack's ArrayBuffer extension)
 * Vert.x Buffers, notepack's {@code undefined} extension null and its Date extension an ISO-8601
 * string.
 */
final class Msgpack {

  /** notepack.io writes {@code undefined} as fixext 1 of type 0, a Date as fixext 8 of type 0. */
  private static final byte NOTEPACK_EXT = 0;

  private static final int UNDEFINED_LENGTH = 1;
  private static final int DATE_LENGTH = 8;

  /** Deeper nesting than this is refused, so that a hostile message cannot exhaust the stack. */
  static final int MAX_DEPTH = 64;

  private Msgpack() {}

  static byte[] encode(Object value) {
    try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
      pack(packer, value, 0);
      return packer.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Object decode(byte[] bytes) {
    try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(bytes)) {
      return unpack(unpacker, 0);
    } catch (IOException | org.msgpack.core.MessagePackException e) {
      throw new IllegalArgumentException("malformed msgpack: " + e.getMessage(), e);
    }
  }

  private static void pack(MessageBufferPacker p, Object value, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("value nested deeper than " + MAX_DEPTH);
    }
    if (value == null) {
      p.packNil();
    } else if (value instanceof String s) {
      p.packString(s);
    } else if (value instanceof Boolean b) {
      p.packBoolean(b);
    } else if (value instanceof Integer
        || value instanceof Long
        || value instanceof Short
        || value instanceof Byte) {
      p.packLong(((Number) value).longValue());
    } else if (value instanceof BigInteger big) {
      p.packBigInteger(big);
    } else if (value instanceof Number n) {
      double d = n.doubleValue();
      p.packDouble(d);
    } else if (value instanceof Buffer buffer) {
      byte[] bytes = buffer.getBytes();
      p.packBinaryHeader(bytes.length);
      p.writePayload(bytes);
    } else if (value instanceof byte[] bytes) {
      p.packBinaryHeader(bytes.length);
      p.writePayload(bytes);
    } else if (value instanceof JsonObject object) {
      packMap(p, object.getMap(), depth);
    } else if (value instanceof Map<?, ?> map) {
      packMap(p, map, depth);
    } else if (value instanceof JsonArray array) {
      packList(p, array.getList(), depth);
    } else if (value instanceof List<?> list) {
      packList(p, list, depth);
    } else if (value instanceof Instant instant) {
      p.packString(instant.toString());
    } else if (value instanceof Enum<?> e) {
      p.packString(e.name());
    } else if (value instanceof CharSequence chars) {
      p.packString(chars.toString());
    } else {
      // Anything else goes as its JSON form, as it would to a client.
      pack(p, Json.decodeValue(Json.encode(value)), depth + 1);
    }
  }

  private static void packMap(MessageBufferPacker p, Map<?, ?> map, int depth) throws IOException {
    p.packMapHeader(map.size());
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      p.packString(String.valueOf(entry.getKey()));
      pack(p, entry.getValue(), depth + 1);
    }
  }

  private static void packList(MessageBufferPacker p, List<?> list, int depth) throws IOException {
    p.packArrayHeader(list.size());
    for (Object item : list) {
      pack(p, item, depth + 1);
    }
  }

  private static Object unpack(MessageUnpacker u, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("msgpack nested deeper than " + MAX_DEPTH);
    }
    MessageFormat format = u.getNextFormat();
    ValueType type = format.getValueType();
    switch (type) {
      case NIL:
        u.unpackNil();
        return null;
      case BOOLEAN:
        return u.unpackBoolean();
      case INTEGER:
        return unpackInteger(u, format);
      case FLOAT:
        return u.unpackDouble();
      case STRING:
        return u.unpackString();
      case BINARY:
        return Buffer.buffer(u.readPayload(u.unpackBinaryHeader()));
      case ARRAY:
        return unpackArray(u, depth);
      case MAP:
        return unpackMap(u, depth);
      case EXTENSION:
        return unpackExtension(u);
      default:
        throw new IllegalArgumentException("unsupported msgpack type " + type);
    }
  }

  /** An int when it fits (as JSON would read it), else a long, else a BigInteger. */
  private static Object unpackInteger(MessageUnpacker u, MessageFormat format) throws IOException {
    if (format == MessageFormat.UINT64) {
      BigInteger big = u.unpackBigInteger();
      return big.bitLength() < 64 ? (Object) big.longValue() : big;
    }
    long l = u.unpackLong();
    return l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE ? (Object) (int) l : l;
  }

  private static JsonArray unpackArray(MessageUnpacker u, int depth) throws IOException {
    int size = u.unpackArrayHeader();
    List<Object> list = new ArrayList<>(Math.min(size, 1024));
    for (int i = 0; i < size; i++) {
      list.add(unpack(u, depth + 1));
    }
    return new JsonArray(list);
  }

  private static JsonObject unpackMap(MessageUnpacker u, int depth) throws IOException {
    int size = u.unpackMapHeader();
    Map<String, Object> map = new LinkedHashMap<>(Math.min(size, 1024) * 2);
    for (int i = 0; i < size; i++) {
      Object key = unpack(u, depth + 1);
      map.put(String.valueOf(key), unpack(u, depth + 1));
    }
    return new JsonObject(map);
  }

  /** notepack's undefined and Date extensions; any other extension as its bytes. */
  private static Object unpackExtension(MessageUnpacker u) throws IOException {
    var header = u.unpackExtensionTypeHeader();
    byte[] payload = u.readPayload(header.getLength());
    if (header.getType() == NOTEPACK_EXT && header.getLength() == UNDEFINED_LENGTH) {
      return null;
    }
    if (header.getType() == NOTEPACK_EXT && header.getLength() == DATE_LENGTH) {
      long hi = readInt(payload, 0);
      long lo = readInt(payload, 4) & 0xffffffffL;
      return Instant.ofEpochMilli(hi * 0x100000000L + lo).toString();
    }
    return Buffer.buffer(payload); // notepack's ArrayBuffer
  }

  private static long readInt(byte[] b, int at) {
    return (b[at] << 24)
        | ((b[at + 1] & 0xff) << 16)
        | ((b[at + 2] & 0xff) << 8)
        | (b[at + 3] & 0xff);
  }

  /** For log lines: bytes as base64, never the whole message. */
  static String preview(byte[] bytes) {
    int n = Math.min(bytes.length, 32);
    byte[] head = new byte[n];
    System.arraycopy(bytes, 0, head, 0, n);
    return Base64.getEncoder().encodeToString(head) + (bytes.length > n ? "..." : "");
  }
}

package chat.nexus.ratelimit;

import io.vertx.core.http.HttpServerRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The address a request comes from, for limiting anonymous callers. X-Forwarded-For is believed
 * only when the connection comes from a TRUST_PROXY address (exact addresses or CIDR blocks such as
 * 10.0.0.0/8, or "loopback"); then the rightmost address in it that is not itself a trusted proxy
 * is the client. Anyone else could write any X-Forwarded-For and get a fresh budget per request.
 *
 * <p>Limits count per {@link #key}: an IPv4 address, or an IPv6 /64, the smallest block a provider
 * gives one customer (a single host can use every address of its /64, so per-address IPv6 limits
 * are none).
 */
public final class ClientAddress {

  /** Bits of an IPv6 address that name one customer's network. */
  static final int IPV6_KEY_PREFIX_BITS = 64;

  /** IP literals only: a host name here would mean a DNS lookup. */
  private static final Pattern IP_LITERAL =
      Pattern.compile("(\\d{1,3}\\.){3}\\d{1,3}|[0-9a-fA-F.]*:[0-9a-fA-F:.]*");

  private record Block(byte[] network, int bits) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }
  }

  private final List<Block> trusted;

  /** Throws IllegalArgumentException naming a bad entry. */
  public ClientAddress(List<String> trustProxy) {
    List<Block> blocks = new ArrayList<>();
    for (String entry : trustProxy) {
      if (entry.equalsIgnoreCase("loopback")) {
        blocks.add(new Block(parse("127.0.0.0"), 8));
        blocks.add(new Block(parse("::1"), 128));
        continue;
      }
      int slash = entry.indexOf('/');
      byte[] network = parse(slash < 0 ? entry : entry.substring(0, slash));
      if (network == null) {
        throw new IllegalArgumentException(
            "TRUST_PROXY entry '" + entry + "' is not an IP address or CIDR block");
      }
      int bits = network.length * 8;
      if (slash >= 0) {
        try {
          bits = Integer.parseInt(entry.substring(slash + 1));
        } catch (NumberFormatException e) {
          bits = -1;
        }
        if (bits < 0 || bits > network.length * 8) {
          throw new IllegalArgumentException(
              "TRUST_PROXY entry '" + entry + "' has a bad prefix length");
        }
      }
      blocks.add(new Block(network, bits));
    }
    this.trusted = List.copyOf(blocks);
  }

  /**
   * The client's address: {@code remote} itself, or from {@code forwardedFor} when remote is a
   * trusted proxy.
   */
  public String of(String remote, String forwardedFor) {
    if (remote == null) {
      return "unknown";
    }
    if (forwardedFor == null || forwardedFor.isBlank() || !isTrusted(remote)) {
      return remote;
    }
    String[] hops = forwardedFor.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (hop.isEmpty()) {
        continue;
      }
      if (!isTrusted(hop)) {
        return parse(hop) != null ? hop : remote;
      }
    }
    return remote;
  }

  /** The limit key of a request: {@link #key} of its client address. */
  public String keyOf(HttpServerRequest request) {
    String remote = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
    return key(of(remote, request.getHeader("X-Forwarded-For")));
  }

  /**
   * What per-address limits count under: an IPv4 address as it is, an IPv6 address as its /64
   * ({@code 2001:db8:1:2::/64}); an IPv4-mapped IPv6 address as the IPv4 address. Anything else as
   * given.
   */
  public static String key(String address) {
    byte[] bytes = address == null ? null : parse(address);
    if (bytes == null) {
      return address == null ? "unknown" : address;
    }
    if (bytes.length == 4) {
      return (bytes[0] & 0xff)
          + "."
          + (bytes[1] & 0xff)
          + "."
          + (bytes[2] & 0xff)
          + "."
          + (bytes[3] & 0xff);
    }
    StringBuilder key = new StringBuilder(24);
    for (int i = 0; i < IPV6_KEY_PREFIX_BITS / 8; i += 2) {
      key.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
    }
    return key.append(":/").append(IPV6_KEY_PREFIX_BITS).toString();
  }

  /** Whether the address is one of the TRUST_PROXY proxies. */
  public boolean isTrusted(String address) {
    byte[] bytes = parse(address);
    if (bytes == null) {
      return false;
    }
    for (Block block : trusted) {
      if (block.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  private static byte[] parse(String address) {
    String a = address.trim();
    if (a.startsWith("[") && a.endsWith("]")) {
      a = a.substring(1, a.length() - 1);
    }
    if (a.isEmpty() || !IP_LITERAL.matcher(a).matches()) {
      return null;
    }
    try {
      return InetAddress.getByName(a).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }
}

package chat.nexus.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Request bodies trickled at the minimum rate on many connections of one address: each is buffered
 * (up to JSON_LIMIT, before authentication) for as long as it keeps coming, so their bytes count
 * against the address as a whole.
 */
class RequestBodyBudgetTest {

  private static final String ADDRESS = "203.0.113.7";
  private static final int CHUNK = 64 * 1024;

  private final ConnectionLimits limits = ConnectionLimits.from(Map.of(), true);
  private final ConnectionCounts counts =
      new ConnectionCounts(0, limits.maxConnectionsPerAddress());

  private EmbeddedChannel connection(String address, ConnectionCounts bodies) {
    counts.open(address, false);
    return new EmbeddedChannel(
        new ConnectionWatch(
            limits, address, false, Set.of(), () -> counts.close(address, false), bodies));
  }

  private static void startBody(EmbeddedChannel channel) {
    DefaultHttpRequest request =
        new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/auth/login");
    request.headers().set(HttpHeaderNames.CONTENT_LENGTH, 512 * 1024);
    channel.writeInbound(request);
  }

  private static void send(EmbeddedChannel channel, int bytes) {
    channel.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[bytes])));
  }

  @Test
  void oneAddressCannotHoldMoreThanItsBudgetInUnfinishedBodies() {
    List<EmbeddedChannel> open = new ArrayList<>();
    int fit = (int) (ConnectionLimits.MAX_BODY_BYTES_PER_ADDRESS / (4 * CHUNK));
    for (int i = 0; i < fit; i++) {
      EmbeddedChannel channel = connection(ADDRESS, counts);
      startBody(channel);
      for (int c = 0; c < 4; c++) {
        send(channel, CHUNK);
      }
      open.add(channel);
    }
    assertThat(open).allMatch(EmbeddedChannel::isActive);
    assertThat(counts.bodyBytesOf(ADDRESS)).isEqualTo(ConnectionLimits.MAX_BODY_BYTES_PER_ADDRESS);

    // one byte more, on any connection of that address: that connection closes and gives its bytes
    // back
    EmbeddedChannel over = connection(ADDRESS, counts);
    startBody(over);
    send(over, 1);
    assertThat(over.isActive()).isFalse();
    assertThat(counts.bodyBytesOf(ADDRESS)).isEqualTo(ConnectionLimits.MAX_BODY_BYTES_PER_ADDRESS);

    // another address is not concerned
    EmbeddedChannel other = connection("198.51.100.9", counts);
    startBody(other);
    send(other, CHUNK);
    assertThat(other.isActive()).isTrue();

    // a body that ends, or a connection that closes, frees its bytes
    open.get(0).writeInbound(LastHttpContent.EMPTY_LAST_CONTENT);
    open.get(1).close();
    assertThat(counts.bodyBytesOf(ADDRESS))
        .isEqualTo(ConnectionLimits.MAX_BODY_BYTES_PER_ADDRESS - 8L * CHUNK);
    EmbeddedChannel next = connection(ADDRESS, counts);
    startBody(next);
    send(next, 8 * CHUNK);
    assertThat(next.isActive()).isTrue();
    for (EmbeddedChannel channel : open) {
      channel.close();
    }
    next.close();
    assertThat(counts.bodyBytesOf(ADDRESS)).isZero();
  }

  @Test
  void trustedProxiesAreNotCounted() {
    List<EmbeddedChannel> open = new ArrayList<>();
    for (int i = 0; i < 70; i++) {
      EmbeddedChannel channel =
          connection(ADDRESS, null); // what ConnectionGuard gives a TRUST_PROXY address
      startBody(channel);
      send(channel, 512 * 1024 - 1);
      open.add(channel);
    }
    assertThat(open).allMatch(EmbeddedChannel::isActive);
    assertThat(counts.bodyBytesOf(ADDRESS)).isZero();
  }
}

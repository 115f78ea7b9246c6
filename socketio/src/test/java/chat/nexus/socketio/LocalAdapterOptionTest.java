package chat.nexus.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.socketio.adapter.InMemoryAdapter;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LocalAdapterOptionTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  @Test
  void theBuildersLocalAdapterServesANamespaceWithoutAClusterAdapter() {
    List<InMemoryAdapter> made = new ArrayList<>();
    SocketIoServer io =
        SocketIoServer.create(
            vertx,
            SocketIoOptions.builder()
                .localAdapter(
                    namespace -> {
                      InMemoryAdapter adapter = new InMemoryAdapter(namespace, vertx);
                      made.add(adapter);
                      return adapter;
                    })
                .build());

    assertThat(made).hasSize(1);
    assertThat(io.sockets().adapter()).isSameAs(made.get(0));
  }

  @Test
  void aClusterAdapterGetsTheBuildersLocalAdapterToo() {
    List<InMemoryAdapter> made = new ArrayList<>();
    List<InMemoryAdapter> handedToCluster = new ArrayList<>();
    SocketIoServer.create(
            vertx,
            SocketIoOptions.builder()
                .localAdapter(
                    namespace -> {
                      InMemoryAdapter adapter = new InMemoryAdapter(namespace, vertx);
                      made.add(adapter);
                      return adapter;
                    })
                .adapterFactory(
                    namespace -> {
                      InMemoryAdapter local = namespace.server().options().localAdapter(namespace);
                      handedToCluster.add(local);
                      return local;
                    })
                .build())
        .sockets();

    assertThat(handedToCluster).hasSize(1).containsExactlyElementsOf(made);
  }
}

package chat.nexus.bench;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The adapter benchmark runs end to end on the test Redis, briefly, with either adapter. */
class AdapterBenchTest {

  @TempDir Path dir;

  @Test
  void classicPushesEveryBroadcastToEveryNodeAndShardedToTheRoomsNodes() throws Exception {
    try (TestRedis redis = new TestRedis()) {
      Path csv = dir.resolve("adapters.csv");
      for (boolean sharded : new boolean[] {false, true}) {
        AdapterBench.run(
            new AdapterBench.Settings(
                TestRedis.URL, sharded, 3, 12, 2, 2, 100, 1, 2, 20, null, csv.toString()));
      }

      List<String> lines = Files.readAllLines(csv);
      assertThat(lines).hasSize(3);
      assertThat(lines.get(0)).isEqualTo(AdapterReport.CSV_HEADER);
      List<String> columns = List.of(AdapterReport.CSV_HEADER.split(","));
      String[] classic = lines.get(1).split(",");
      String[] sharded = lines.get(2).split(",");
      int receivers = columns.indexOf("receivers_per_broadcast");
      int frames = columns.indexOf("frames_per_broadcast");
      assertThat(classic[1]).isEqualTo("classic");
      assertThat(Double.parseDouble(classic[receivers])).isEqualTo(4.0); // 3 nodes + the publisher
      assertThat(sharded[1]).isEqualTo("sharded");
      assertThat(Double.parseDouble(sharded[receivers])).isEqualTo(2.0); // the room's two nodes
      assertThat(Double.parseDouble(classic[frames])).isPositive();
      assertThat(Double.parseDouble(sharded[frames])).isPositive();
    }
  }
}

package chat.nexus.loadtest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** The worker side of {@link ChildWorker}'s line protocol. */
final class Child {
  static final String STATS = "@stats ";

  private Child() {}

  static int run(Spec spec) throws IOException {
    return run(new Swarm(spec));
  }

  static int run(Swarm swarm) throws IOException {
    swarm.start();
    swarm.vertx.setPeriodic(250, id -> print(swarm.snapshot(false))); // parent samples every 1 s
    BufferedReader stdin =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = stdin.readLine()) != null) { // EOF: the parent is gone, stop too
      String[] p = line.trim().split("\\s+");
      if (p[0].equals("go")) swarm.go(Long.parseLong(p[1]), Long.parseLong(p[2]));
      else if (p[0].equals("grow")) swarm.growTo(Integer.parseInt(p[1]));
      else if (p[0].equals("stop")) break;
    }
    print(swarm.snapshot(true));
    swarm.close();
    return 0;
  }

  private static void print(Stats s) {
    String line = STATS + s.toJson().encode();
    synchronized (System.out) {
      System.out.println(line);
      System.out.flush();
    }
  }
}

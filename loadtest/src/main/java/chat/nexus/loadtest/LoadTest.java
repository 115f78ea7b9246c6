package chat.nexus.loadtest;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point: a lean Engine.IO v4 / Socket.IO v5 load client built on Vert.x WebSocket
 * connections.
 */
@Command(
    name = "nexus-loadtest",
    mixinStandardHelpOptions = true,
    description = "Socket.IO load client (Engine.IO v4 over websocket only).",
    subcommands = {
      Ladder.class,
      Fanout.class,
      Chat.class,
      Idle.class,
      FakeLlm.class,
      Companion.class
    })
public final class LoadTest implements Runnable {

  /** The raw command line, re-used (with overrides appended) to start worker processes. */
  static volatile String[] args = new String[0];

  public static void main(String[] argv) {
    args = argv.clone();
    System.exit(commandLine().execute(argv));
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new LoadTest());
    cl.setOverwrittenOptionsAllowed(true); // workers get "--clients N --rate R ..." appended
    cl.registerConverter(java.time.Duration.class, Time::parseDuration);
    return cl;
  }

  @Override
  public void run() {
    CommandLine.usage(this, System.err);
  }
}

package chat.nexus.loadtest;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options of the one-size runs (fanout, chat, idle): how many connections, and where the result
 * row goes.
 */
final class Sized {
  @Option(
      names = "--clients",
      defaultValue = "10000",
      description = "Connections in total. Default: ${DEFAULT-VALUE}")
  int clients;

  @Option(
      names = "--out",
      description =
          "Append the result: a JSON line if the name ends in .json/.jsonl, else a markdown row.")
  Path out;
}

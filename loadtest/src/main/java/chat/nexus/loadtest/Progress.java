package chat.nexus.loadtest;

import java.io.PrintStream;

/**
 * The live progress line on stderr: on a terminal one line rewritten in place (ended by {@link
 * #end}), otherwise (CI logs, pipes) a line every {@link #PIPE_EVERY_NS}.
 */
final class Progress {
  static final long TTY_EVERY_NS = 1_000_000_000L;
  static final long PIPE_EVERY_NS = 5_000_000_000L;
  private final PrintStream out;
  private final boolean tty;
  private long last;
  private int width;

  Progress(PrintStream out, boolean tty) {
    this.out = out;
    this.tty = tty;
  }

  static Progress stderr() {
    return new Progress(
        System.err, System.console() != null && !"dumb".equals(System.getenv("TERM")));
  }

  /** Whether a line is due now (callers build the line only then). */
  boolean due() {
    return System.nanoTime() - last >= (tty ? TTY_EVERY_NS : PIPE_EVERY_NS);
  }

  void show(String line) {
    last = System.nanoTime();
    if (tty) {
      out.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
      width = line.length();
    } else {
      out.println(line);
    }
    out.flush();
  }

  /** Finishes the stage's line with {@code line}. */
  void end(String line) {
    if (tty) {
      show(line);
      out.println();
      width = 0;
    } else {
      out.println(line);
    }
    out.flush();
    last = 0;
  }
}

package chat.nexus.loadtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and resident memory of a process, from /proc (Linux). */
final class Proc {
  private Proc() {}

  private static volatile long clockTicks;

  /** Clock ticks per second (getconf CLK_TCK; 100 if that fails). */
  static long clockTicks() {
    if (clockTicks == 0) {
      long v = 100;
      try {
        Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
        String out =
            new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        if (p.waitFor() == 0) v = Long.parseLong(out);
      } catch (Exception e) {
        // keep 100
      }
      clockTicks = v;
    }
    return clockTicks;
  }

  /** utime + stime in microseconds, or -1 if unreadable. */
  static long cpuMicros(long pid) {
    try {
      return parseCpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")))
          * 1_000_000L
          / clockTicks();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * utime (field 14) + stime (field 15) of a /proc/PID/stat line; comm may contain spaces and ')'.
   */
  static long parseCpuTicks(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]); // f[0] is field 3
  }

  /**
   * Machine-wide CPU time in µs from the first line of /proc/stat: {@code [0]} all busy time (all
   * but idle and iowait), {@code [1]} the irq+softirq part of it (e.g. loopback TCP; tick
   * accounting also charges some of it to whatever process was running). Null if unreadable.
   */
  static long[] hostMicros() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      for (int i = 1; i <= 8; i++) {
        if (i != 4 && i != 5) busy += Long.parseLong(f[i]);
      }
      long irq = Long.parseLong(f[6]) + Long.parseLong(f[7]);
      return new long[] {busy * 1_000_000L / clockTicks(), irq * 1_000_000L / clockTicks()};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** VmRSS in KiB, or -1 if unreadable. */
  static long rssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    } catch (IOException | RuntimeException e) {
      // fall through
    }
    return -1;
  }
}

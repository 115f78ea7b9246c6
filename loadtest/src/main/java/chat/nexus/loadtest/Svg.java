package chat.nexus.loadtest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Small self-contained SVG charts for the ladder report: lines against the stages (log or linear y)
 * and stacked bars. No script and no external resource, so the report opens anywhere, offline.
 */
final class Svg {
  private Svg() {}

  static final int WIDTH = 560;
  static final int HEIGHT = 300;
  private static final int LEFT = 62;
  private static final int RIGHT = 16;
  private static final int TOP = 52;
  private static final int BOTTOM = 44;

  /** A named series; values may be null (not measured at that stage). */
  record Series(String name, String color, Double[] values, boolean dashed) {
    Series(String name, String color, Double[] values) {
      this(name, color, values, false);
    }
  }

  /**
   * A line chart of {@code series} against the stages {@code xs}; {@code limit} (or null) is drawn
   * as a red dashed rule.
   */
  static String lines(
      String title, String unit, String[] xs, List<Series> series, boolean log, Double limit) {
    double[] range = range(series, log, limit);
    StringBuilder s = open(title);
    if (range == null) return empty(s);
    axes(s, xs, range, log, unit);
    if (limit != null && inRange(limit, range)) {
      double y = y(limit, range, log);
      s.append(
          String.format(
              Locale.ROOT,
              "<line x1='%d' x2='%d' y1='%.1f' y2='%.1f' stroke='#c92a2a' stroke-width='1.5' stroke-dasharray='6 4'/>",
              LEFT,
              WIDTH - RIGHT,
              y,
              y));
      s.append(
          String.format(
              Locale.ROOT,
              "<text x='%d' y='%.1f' font-size='11' fill='#c92a2a' text-anchor='end'>limit %s</text>",
              WIDTH - RIGHT - 2,
              y - 4,
              fmt(limit)));
    }
    for (Series se : series) {
      StringBuilder path = new StringBuilder();
      for (int i = 0; i < xs.length; i++) {
        Double v = se.values()[i];
        if (v == null || (log && v <= 0)) continue;
        path.append(path.length() == 0 ? "M" : " L")
            .append(String.format(Locale.ROOT, "%.1f %.1f", x(i, xs.length), y(v, range, log)));
      }
      if (path.length() == 0) continue;
      s.append(
          String.format(
              "<path d='%s' fill='none' stroke='%s' stroke-width='2.2'%s/>",
              path, se.color(), se.dashed() ? " stroke-dasharray='5 3'" : ""));
      for (int i = 0; i < xs.length; i++) {
        Double v = se.values()[i];
        if (v == null || (log && v <= 0)) continue;
        s.append(
            String.format(
                Locale.ROOT,
                "<circle cx='%.1f' cy='%.1f' r='3.2' fill='%s'><title>%s at %s: %s %s</title></circle>",
                x(i, xs.length),
                y(v, range, log),
                se.color(),
                esc(se.name()),
                xs[i],
                fmt(v),
                unit));
      }
    }
    labelLast(s, xs, series, range, log);
    legend(s, series);
    return s.append("</svg>").toString();
  }

  /**
   * Stacked bars per stage, one segment per series (counts); the total is written above each bar.
   */
  static String stackedBars(String title, String unit, String[] xs, List<Series> series) {
    double max = 0;
    for (int i = 0; i < xs.length; i++) max = Math.max(max, total(series, i));
    StringBuilder s = open(title);
    if (max <= 0) {
      s.append(
          String.format(
              "<text x='%d' y='%d' font-size='15' fill='#2b8a3e' text-anchor='middle'>none at any stage</text>",
              WIDTH / 2, HEIGHT / 2));
      axes(s, xs, new double[] {0, 1}, false, unit);
      return s.append("</svg>").toString();
    }
    double[] range = {0, niceCeil(max)};
    axes(s, xs, range, false, unit);
    double band = (WIDTH - LEFT - RIGHT) / (double) xs.length;
    double w = Math.min(70, band * 0.55);
    for (int i = 0; i < xs.length; i++) {
      double base = 0;
      for (Series se : series) {
        Double v = se.values()[i];
        if (v == null || v <= 0) continue;
        double y0 = y(base, range, false);
        double y1 = y(base + v, range, false);
        s.append(
            String.format(
                Locale.ROOT,
                "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='%s'><title>%s at %s: %s</title></rect>",
                x(i, xs.length) - w / 2,
                y1,
                w,
                Math.max(0.5, y0 - y1),
                se.color(),
                esc(se.name()),
                xs[i],
                fmt(v)));
        base += v;
      }
      if (base > 0) {
        s.append(
            String.format(
                Locale.ROOT,
                "<text x='%.1f' y='%.1f' font-size='12' text-anchor='middle' fill='#212529'>%s</text>",
                x(i, xs.length),
                y(base, range, false) - 5,
                fmt(base)));
      }
    }
    legend(s, series);
    return s.append("</svg>").toString();
  }

  private static double total(List<Series> series, int i) {
    double t = 0;
    for (Series se : series) if (se.values()[i] != null && se.values()[i] > 0) t += se.values()[i];
    return t;
  }

  private static StringBuilder open(String title) {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' viewBox='0 0 %d %d' font-family='system-ui, sans-serif'>",
            WIDTH, HEIGHT, WIDTH, HEIGHT));
    s.append(String.format("<rect width='%d' height='%d' fill='#fff'/>", WIDTH, HEIGHT));
    s.append(
        String.format(
            "<text x='%d' y='20' font-size='15' font-weight='600' fill='#212529'>%s</text>",
            LEFT - 50, esc(title)));
    return s;
  }

  private static String empty(StringBuilder s) {
    s.append(
        String.format(
            "<text x='%d' y='%d' font-size='14' fill='#868e96' text-anchor='middle'>not measured in this run</text>",
            WIDTH / 2, HEIGHT / 2));
    return s.append("</svg>").toString();
  }

  private static void legend(StringBuilder s, List<Series> series) {
    int x = LEFT;
    for (Series se : series) {
      s.append(
          String.format("<rect x='%d' y='31' width='14' height='4' fill='%s'/>", x, se.color()));
      s.append(
          String.format(
              "<text x='%d' y='37' font-size='12' fill='#495057'>%s</text>",
              x + 18, esc(se.name())));
      x += 26 + 7 * se.name().length();
      if (x > WIDTH - 60) break;
    }
  }

  /**
   * The last measured value of each series, written at the right end, so the top stage reads
   * without hovering.
   */
  private static void labelLast(
      StringBuilder s, String[] xs, List<Series> series, double[] range, boolean log) {
    List<double[]> used = new ArrayList<>();
    for (Series se : series) {
      int i = xs.length - 1;
      Double v = se.values()[i];
      if (v == null || (log && v <= 0)) continue;
      double y = y(v, range, log);
      for (double[] u : used) if (Math.abs(u[0] - y) < 12) y = u[0] - 12;
      used.add(new double[] {y});
      s.append(
          String.format(
              Locale.ROOT,
              "<text x='%.1f' y='%.1f' font-size='11' fill='%s' text-anchor='end'>%s</text>",
              x(i, xs.length) - 6,
              y - 5,
              se.color(),
              fmt(v)));
    }
  }

  private static void axes(StringBuilder s, String[] xs, double[] range, boolean log, String unit) {
    int bottom = HEIGHT - BOTTOM;
    s.append(
        String.format(
            "<line x1='%d' x2='%d' y1='%d' y2='%d' stroke='#adb5bd'/>",
            LEFT, WIDTH - RIGHT, bottom, bottom));
    for (double t : ticks(range, log)) {
      double y = y(t, range, log);
      s.append(
          String.format(
              Locale.ROOT,
              "<line x1='%d' x2='%d' y1='%.1f' y2='%.1f' stroke='#e9ecef'/>",
              LEFT,
              WIDTH - RIGHT,
              y,
              y));
      s.append(
          String.format(
              Locale.ROOT,
              "<text x='%d' y='%.1f' font-size='11' fill='#495057' text-anchor='end'>%s</text>",
              LEFT - 6,
              y + 4,
              fmt(t)));
    }
    s.append(
        String.format(
            "<text x='14' y='%d' font-size='11' fill='#495057' transform='rotate(-90 14 %d)' text-anchor='middle'>%s</text>",
            (TOP + bottom) / 2, (TOP + bottom) / 2, esc(unit + (log ? " (log)" : ""))));
    for (int i = 0; i < xs.length; i++) {
      s.append(
          String.format(
              Locale.ROOT,
              "<text x='%.1f' y='%d' font-size='12' fill='#212529' text-anchor='middle'>%s</text>",
              x(i, xs.length),
              bottom + 17,
              xs[i]));
    }
    s.append(
        String.format(
            "<text x='%d' y='%d' font-size='11' fill='#868e96' text-anchor='middle'>users</text>",
            (LEFT + WIDTH - RIGHT) / 2, HEIGHT - 6));
  }

  private static double[] range(List<Series> series, boolean log, Double limit) {
    double lo = Double.MAX_VALUE;
    double hi = -Double.MAX_VALUE;
    for (Series se : series) {
      for (Double v : se.values()) {
        if (v == null || (log && v <= 0)) continue;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    if (hi == -Double.MAX_VALUE) return null;
    if (limit != null && limit > 0 && limit < hi * 3 && limit > lo / 3) {
      lo = Math.min(lo, limit);
      hi = Math.max(hi, limit);
    }
    if (log) {
      double a = Math.pow(10, Math.floor(Math.log10(lo)));
      double b = Math.pow(10, Math.ceil(Math.log10(hi)));
      if (b <= a) b = a * 10;
      return new double[] {a, b};
    }
    return new double[] {0, niceCeil(hi)};
  }

  private static boolean inRange(double v, double[] range) {
    return v >= range[0] && v <= range[1];
  }

  static List<Double> ticks(double[] range, boolean log) {
    List<Double> t = new ArrayList<>();
    if (log) {
      int decades = (int) Math.round(Math.log10(range[1] / range[0]));
      double[] steps = decades <= 2 ? new double[] {1, 2, 5} : new double[] {1};
      for (double d = range[0]; d <= range[1] * 1.0001; d *= 10) {
        for (double m : steps) if (d * m <= range[1] * 1.0001) t.add(d * m);
      }
    } else {
      double step = niceCeil(range[1] / 5);
      for (double v = 0; v <= range[1] * 1.0001; v += step) t.add(v);
    }
    return t;
  }

  /** 1, 2, 2.5 or 5 times a power of ten, at least {@code v}. */
  static double niceCeil(double v) {
    if (v <= 0) return 1;
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) if (m * p >= v * 0.9999) return m * p;
    return 10 * p;
  }

  private static double x(int i, int n) {
    double band = (WIDTH - LEFT - RIGHT) / (double) n;
    return LEFT + band * (i + 0.5);
  }

  private static double y(double v, double[] range, boolean log) {
    int bottom = HEIGHT - BOTTOM;
    double f =
        log
            ? (Math.log10(v) - Math.log10(range[0])) / (Math.log10(range[1]) - Math.log10(range[0]))
            : (v - range[0]) / (range[1] - range[0]);
    return bottom - f * (bottom - TOP);
  }

  /** A short human form: 0.42, 3.5, 27, 1,250, 12k, 1.2M. */
  static String fmt(double v) {
    double a = Math.abs(v);
    if (a >= 1e6) return trim(String.format(Locale.ROOT, "%.1f", v / 1e6)) + "M";
    if (a >= 1e4) return trim(String.format(Locale.ROOT, "%.1f", v / 1e3)) + "k";
    if (a >= 100) return String.format(Locale.ROOT, "%,.0f", v);
    if (a >= 10) return trim(String.format(Locale.ROOT, "%.1f", v));
    if (a >= 1) return trim(String.format(Locale.ROOT, "%.2f", v));
    if (a == 0) return "0";
    return trim(String.format(Locale.ROOT, "%.3f", v));
  }

  private static String trim(String s) {
    return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
  }

  static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("'", "&#39;")
        .replace("\"", "&quot;");
  }
}

package io.herald.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * A line chart of series over time written as a PNG with {@code java.awt} (headless): the x axis in
 * minutes, the y axis from zero (or the lowest value, if negative) to a round value above the
 * highest, one colour per series with a legend. Small on purpose: a few tens of KB per chart.
 */
public final class LineChart {
  private static final int WIDTH = 900;
  private static final int HEIGHT = 380;
  private static final int LEFT = 80;
  private static final int RIGHT = 20;
  private static final int TOP = 40;
  private static final int BOTTOM = 50;
  private static final List<Color> COLOURS =
      List.of(
          new Color(0x1f77b4),
          new Color(0xd62728),
          new Color(0x2ca02c),
          new Color(0xff7f0e),
          new Color(0x9467bd),
          new Color(0x8c564b),
          new Color(0x17becf));

  private LineChart() {}

  /**
   * Draws {@code series} (name to values, each as long as {@code seconds}) against {@code seconds}
   * into {@code png}.
   */
  public static void write(
      Path png, String title, String unit, double[] seconds, Map<String, double[]> series)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      double min = 0;
      double max = 0;
      for (double[] values : series.values()) {
        for (double v : values) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
      double top = niceCeiling(max);
      double bottom = min < 0 ? -niceCeiling(-min) : 0;
      if (top <= bottom) {
        top = bottom + 1;
      }
      double minutes = seconds.length == 0 ? 1 : Math.max(seconds[seconds.length - 1] / 60, 1e-9);
      int plotWidth = WIDTH - LEFT - RIGHT;
      int plotHeight = HEIGHT - TOP - BOTTOM;

      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
      g.setColor(Color.BLACK);
      g.drawString(title, LEFT, 22);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      FontMetrics metrics = g.getFontMetrics();
      for (int i = 0; i <= 5; i++) {
        double value = bottom + (top - bottom) * i / 5;
        int y = TOP + plotHeight - (int) Math.round(plotHeight * i / 5.0);
        g.setColor(new Color(0xe0e0e0));
        g.drawLine(LEFT, y, LEFT + plotWidth, y);
        g.setColor(Color.DARK_GRAY);
        String label = format(value);
        g.drawString(label, LEFT - 6 - metrics.stringWidth(label), y + 4);
      }
      double step = niceStep(minutes / 6);
      for (double m = 0; m <= minutes + 1e-9; m += step) {
        int x = LEFT + (int) Math.round(plotWidth * m / minutes);
        g.setColor(new Color(0xe0e0e0));
        g.drawLine(x, TOP, x, TOP + plotHeight);
        g.setColor(Color.DARK_GRAY);
        String label = format(m);
        g.drawString(label, x - metrics.stringWidth(label) / 2, TOP + plotHeight + 16);
      }
      g.drawString("minutes", LEFT + plotWidth / 2 - 20, HEIGHT - 12);
      g.drawString(unit, 8, TOP - 8);
      g.setColor(Color.GRAY);
      g.drawRect(LEFT, TOP, plotWidth, plotHeight);

      int legendX = LEFT + 10;
      int index = 0;
      g.setStroke(new BasicStroke(1.6f));
      for (Map.Entry<String, double[]> entry : series.entrySet()) {
        Color colour = COLOURS.get(index++ % COLOURS.size());
        g.setColor(colour);
        double[] values = entry.getValue();
        int lastX = -1;
        int lastY = -1;
        for (int i = 0; i < values.length && i < seconds.length; i++) {
          int x = LEFT + (int) Math.round(plotWidth * (seconds[i] / 60) / minutes);
          int y =
              TOP
                  + plotHeight
                  - (int) Math.round(plotHeight * (values[i] - bottom) / (top - bottom));
          if (lastX >= 0) {
            g.drawLine(lastX, lastY, x, y);
          }
          lastX = x;
          lastY = y;
        }
        g.fillRect(legendX, TOP + 8, 14, 3);
        g.setColor(Color.BLACK);
        g.drawString(entry.getKey(), legendX + 18, TOP + 14);
        legendX += 30 + metrics.stringWidth(entry.getKey());
      }
    } finally {
      g.dispose();
    }
    ImageIO.write(image, "png", png.toFile());
  }

  /** The smallest of 1, 2, 2.5, 5 × 10^k at or above {@code value}. */
  static double niceCeiling(double value) {
    if (value <= 0) {
      return 0;
    }
    double power = Math.pow(10, Math.floor(Math.log10(value)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * power >= value) {
        return m * power;
      }
    }
    return 10 * power;
  }

  private static double niceStep(double value) {
    return Math.max(niceCeiling(value), 1e-9);
  }

  private static String format(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return String.format(Locale.ROOT, "%,d", (long) value);
    }
    return String.format(Locale.ROOT, "%.2f", value);
  }
}

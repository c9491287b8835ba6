package io.herald.bench.profile;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * A JFR recording's CPU samples as a flame graph: {@code bench/flamegraph comet.jfr [OUT]} writes
 * {@code OUT.collapsed} (one line per distinct stack, root first, frames joined by {@code ;}, then
 * its sample count: the format of Brendan Gregg's FlameGraph tools and speedscope), {@code OUT.svg}
 * (a flame graph; hover a frame for its share) and prints the frames with the most samples, on top
 * of the stack (self) and anywhere in it (total). Reads {@code jdk.ExecutionSample} (Java threads
 * running Java code), and with {@code --native} {@code jdk.NativeMethodSample} too (threads in
 * native code: syscalls such as {@code epoll_wait}, {@code write}, {@code io_uring_enter}).
 */
public final class FlameGraph {
  private static final int WIDTH = 1200;
  private static final int FRAME_HEIGHT = 16;
  private static final int TOP = 25;

  private final Map<String, Long> stacks = new HashMap<>();
  private long samples;

  private FlameGraph() {}

  public static void main(String[] args) throws IOException {
    List<String> positional = new ArrayList<>();
    boolean nativeToo = false;
    for (String arg : args) {
      if (arg.equals("--native")) {
        nativeToo = true;
      } else {
        positional.add(arg);
      }
    }
    if (positional.isEmpty() || positional.size() > 2) {
      System.err.println("usage: bench/flamegraph [--native] RECORDING.jfr [OUT-PREFIX]");
      System.exit(2);
    }
    Path recording = Path.of(positional.get(0));
    String out =
        positional.size() == 2
            ? positional.get(1)
            : recording.toString().replaceFirst("\\.jfr$", "");
    FlameGraph graph = read(recording, nativeToo);
    graph.writeCollapsed(Path.of(out + ".collapsed"));
    graph.writeSvg(Path.of(out + ".svg"), recording.getFileName().toString());
    graph.summarise(System.out);
    System.out.printf("wrote %s.collapsed and %s.svg%n", out, out);
  }

  static FlameGraph read(Path recording, boolean nativeToo) throws IOException {
    FlameGraph graph = new FlameGraph();
    try (RecordingFile file = new RecordingFile(recording)) {
      while (file.hasMoreEvents()) {
        RecordedEvent event = file.readEvent();
        String type = event.getEventType().getName();
        if (type.equals("jdk.ExecutionSample")
            || (nativeToo && type.equals("jdk.NativeMethodSample"))) {
          graph.add(event.getStackTrace());
        }
      }
    }
    return graph;
  }

  private void add(RecordedStackTrace trace) {
    if (trace == null) {
      return;
    }
    List<RecordedFrame> frames = trace.getFrames();
    StringBuilder stack = new StringBuilder();
    for (int i = frames.size() - 1; i >= 0; i--) {
      if (stack.length() > 0) {
        stack.append(';');
      }
      stack.append(name(frames.get(i)));
    }
    if (trace.isTruncated()) {
      stack.insert(0, "[truncated];");
    }
    stacks.merge(stack.toString(), 1L, Long::sum);
    samples++;
  }

  private static String name(RecordedFrame frame) {
    String type = frame.getMethod().getType().getName();
    String name = type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethod().getName();
    return name.replace(';', ':').replace(' ', '_');
  }

  void writeCollapsed(Path path) throws IOException {
    try (Writer writer = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
      for (Map.Entry<String, Long> stack : stacks.entrySet()) {
        writer.write(stack.getKey() + " " + stack.getValue() + "\n");
      }
    }
  }

  /** The frames with the most samples on top of the stack, and anywhere in it. */
  void summarise(PrintStream out) {
    Map<String, Long> self = new HashMap<>();
    Map<String, Long> total = new HashMap<>();
    for (Map.Entry<String, Long> stack : stacks.entrySet()) {
      String[] frames = stack.getKey().split(";");
      self.merge(frames[frames.length - 1], stack.getValue(), Long::sum);
      Set<String> seen = new HashSet<>();
      for (String frame : frames) {
        if (seen.add(frame)) {
          total.merge(frame, stack.getValue(), Long::sum);
        }
      }
    }
    out.printf("%,d samples%n", samples);
    print(out, "self (top of stack)", self);
    print(out, "total (anywhere in the stack)", total);
  }

  private void print(PrintStream out, String title, Map<String, Long> counts) {
    out.println(title + ":");
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
        .limit(TOP)
        .forEach(
            e ->
                out.printf(
                    Locale.ROOT,
                    "  %5.1f%%  %,7d  %s%n",
                    100.0 * e.getValue() / Math.max(1, samples),
                    e.getValue(),
                    e.getKey()));
  }

  /** A node of the merged call tree: a frame, its samples, its callees. */
  private static final class Node {
    final String name;
    long count;
    final Map<String, Node> children = new LinkedHashMap<>();

    Node(String name) {
      this.name = name;
    }
  }

  void writeSvg(Path path, String title) throws IOException {
    Node root = new Node("all");
    for (Map.Entry<String, Long> stack : stacks.entrySet()) {
      Node node = root;
      node.count += stack.getValue();
      for (String frame : stack.getKey().split(";")) {
        node = node.children.computeIfAbsent(frame, Node::new);
        node.count += stack.getValue();
      }
    }
    int depth = depth(root);
    int height = (depth + 2) * FRAME_HEIGHT + 30;
    StringBuilder svg = new StringBuilder();
    svg.append(
            String.format(
                Locale.ROOT,
                "<?xml version=\"1.0\" standalone=\"no\"?>%n<svg version=\"1.1\" width=\"%d\""
                    + " height=\"%d\" xmlns=\"http://www.w3.org/2000/svg\""
                    + " font-family=\"monospace\" font-size=\"11\">%n",
                WIDTH,
                height))
        .append(
            String.format(
                Locale.ROOT,
                "<text x=\"10\" y=\"16\" font-size=\"13\">%s: %,d CPU samples</text>%n",
                escape(title),
                samples));
    layout(svg, root, 0, WIDTH, height - FRAME_HEIGHT - 4, root.count);
    svg.append("</svg>\n");
    Files.writeString(path, svg, StandardCharsets.UTF_8);
  }

  private static int depth(Node node) {
    int deepest = 0;
    for (Node child : node.children.values()) {
      deepest = Math.max(deepest, depth(child));
    }
    return deepest + 1;
  }

  private static void layout(
      StringBuilder svg, Node node, double x, double width, int y, long all) {
    if (width < 0.3) {
      return;
    }
    int hash = node.name.hashCode();
    int red = 200 + Math.floorMod(hash, 55);
    int green = 80 + Math.floorMod(hash >>> 8, 120);
    int blue = Math.floorMod(hash >>> 16, 60);
    String label = node.name;
    int chars = (int) (width / 7);
    String shown =
        chars < 3 ? "" : label.length() <= chars ? label : label.substring(0, chars - 2) + "..";
    svg.append(
        String.format(
            Locale.ROOT,
            "<g><title>%s (%,d samples, %.2f%%)</title><rect x=\"%.1f\" y=\"%d\" width=\"%.1f\""
                + " height=\"%d\" fill=\"rgb(%d,%d,%d)\" rx=\"2\"/>"
                + "<text x=\"%.1f\" y=\"%d\">%s</text></g>%n",
            escape(label),
            node.count,
            100.0 * node.count / all,
            x,
            y,
            width,
            FRAME_HEIGHT - 1,
            red,
            green,
            blue,
            x + 3,
            y + FRAME_HEIGHT - 4,
            escape(shown)));
    double childX = x;
    List<Node> children = new ArrayList<>(node.children.values());
    children.sort(Comparator.comparing(n -> n.name));
    for (Node child : children) {
      double childWidth = width * child.count / node.count;
      layout(svg, child, childX, childWidth, y - FRAME_HEIGHT, all);
      childX += childWidth;
    }
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}

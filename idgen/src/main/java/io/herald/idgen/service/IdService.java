package io.herald.idgen.service;

import io.herald.idgen.Mode;
import io.herald.idgen.UnknownTagException;
import io.herald.idgen.segment.SegmentIds;
import io.herald.idgen.time.TimeIds;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The tags a server serves and the checks every request passes, shared by gRPC and HTTP: a tag is
 * {@code [a-z0-9_.-]}, 1 to 64 characters ({@link IllegalArgumentException}) and configured ({@link
 * UnknownTagException}); a count is within 1 and the tag's maximum.
 */
public final class IdService {
  /** The largest count a segment tag's NextIds may ask for (the API's bound). */
  public static final int MAX_COUNT = 10_000;

  private static final Pattern TAG = Pattern.compile("[a-z0-9_.-]{1,64}");

  private final Map<String, IdSource> sources;

  private IdService(Map<String, IdSource> sources) {
    this.sources = Map.copyOf(sources);
  }

  /**
   * The service over started generators.
   *
   * @param tags each tag's mode
   * @param time the started generator of each time-based mode in use
   * @param segments the started segment tags, or {@code null} when no tag is a segment tag
   */
  public static IdService of(Map<String, Mode> tags, Map<Mode, TimeIds> time, SegmentIds segments) {
    Map<String, IdSource> sources = new TreeMap<>();
    tags.forEach(
        (tag, mode) -> {
          if (mode == Mode.SEGMENT) {
            sources.put(tag, new SegmentIdSource(segments.buffer(tag), MAX_COUNT));
          } else {
            sources.put(tag, new TimeIdSource(tag, mode, time.get(mode)));
          }
        });
    return new IdService(sources);
  }

  /** Checks a tag's form; returns it. */
  public static String checkTag(String tag) {
    if (tag == null || !TAG.matcher(tag).matches()) {
      throw new IllegalArgumentException(
          "tag: '"
              + (tag == null ? "" : tag)
              + "' (expected: 1 to 64 characters of a-z, 0-9, '_', '.', '-')");
    }
    return tag;
  }

  /** The source of a configured tag. */
  public IdSource source(String tag) {
    IdSource source = sources.get(checkTag(tag));
    if (source == null) {
      throw new UnknownTagException(
          "tag '" + tag + "' is not configured (configured: " + String.join(", ", tags()) + ")");
    }
    return source;
  }

  public Iterable<String> tags() {
    return new TreeMap<>(sources).keySet();
  }

  /** A new batch of {@code count} ids for the source, after checking the count. */
  public static IdBatch batch(IdSource source, long count) {
    if (count < 1 || count > source.maxCount()) {
      throw new IllegalArgumentException(
          "count: "
              + count
              + " (expected: 1-"
              + source.maxCount()
              + " for "
              + source.mode().label()
              + " tag '"
              + source.tag()
              + "')");
    }
    return new IdBatch(source.mode(), (int) count);
  }
}

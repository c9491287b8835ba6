package io.herald.testkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** The last lines of a server's log or a command's output, for error messages. */
final class LogTail {

  static final int LINES = 25;
  private static final int MAX_BYTES = 16 * 1024;

  private LogTail() {}

  /** The last {@value #LINES} lines of {@code file}, or "" if it cannot be read. */
  static String of(Path file) {
    return of(file, LINES);
  }

  static String of(Path file, int lines) {
    try (SeekableByteChannel channel = Files.newByteChannel(file)) {
      long size = channel.size();
      int length = (int) Math.min(size, MAX_BYTES);
      ByteBuffer buffer = ByteBuffer.allocate(length);
      channel.position(size - length);
      while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
        // read until full
      }
      List<String> all =
          new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8)
              .lines()
              .collect(Collectors.toList());
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "";
    }
  }
}

package io.herald.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A temporary directory for one server's data, config and logs, deleted with all it holds. It
 * records the test JVM that owns it and the server running from it, so that {@link OrphanReaper}
 * can stop the server if the JVM dies without doing so.
 */
final class ScratchDirectory implements AutoCloseable {

  static final String OWNER_FILE = ".owner";
  static final String SERVER_FILE = ".server";

  private final Path path;

  private ScratchDirectory(Path path) {
    this.path = path;
  }

  static ScratchDirectory create(String prefix) throws StartupFailure {
    try {
      var directory = new ScratchDirectory(Files.createTempDirectory(prefix).toRealPath());
      directory.write(OWNER_FILE, ProcessIdentity.of(ProcessHandle.current()));
      return directory;
    } catch (IOException e) {
      throw new StartupFailure("cannot create a temporary directory: " + e, e);
    }
  }

  Path path() {
    return path;
  }

  Path resolve(String name) {
    return path.resolve(name);
  }

  /** Writes a UTF-8 file in this directory and returns its path. */
  Path write(String name, String content) throws StartupFailure {
    try {
      return Files.writeString(path.resolve(name), content);
    } catch (IOException e) {
      throw new StartupFailure("cannot write " + path.resolve(name) + ": " + e, e);
    }
  }

  /** Records the server process that runs from this directory. */
  void recordServer(long pid) throws StartupFailure {
    var server = ProcessHandle.of(pid);
    if (server.isPresent()) {
      write(SERVER_FILE, ProcessIdentity.of(server.get()));
    }
  }

  @Override
  public void close() {
    deleteTree(path);
  }

  static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(ScratchDirectory::deleteQuietly);
    } catch (IOException | UncheckedIOException e) {
      // Best effort: whatever is left is in the system's temporary directory.
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // Best effort, see deleteTree().
    }
  }
}

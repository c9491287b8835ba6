package io.herald.testkit;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops servers that a test JVM started and did not stop because it died abruptly (SIGKILL, or
 * {@code Runtime.halt}, which skip shutdown hooks), and deletes their scratch directories. It only
 * touches processes recorded in a scratch directory whose owning JVM is gone.
 */
final class OrphanReaper {

  private static final Logger LOGGER = LoggerFactory.getLogger(OrphanReaper.class);

  private OrphanReaper() {}

  /** Reaps the scratch directories named {@code prefix*} in the temporary directory. */
  static void reap(String prefix) {
    Path temp = Path.of(System.getProperty("java.io.tmpdir"));
    try (DirectoryStream<Path> directories = Files.newDirectoryStream(temp, prefix + "*")) {
      for (Path directory : directories) {
        Path owner = directory.resolve(ScratchDirectory.OWNER_FILE);
        if (Files.exists(owner) && ProcessIdentity.running(owner).isEmpty()) {
          ProcessIdentity.running(directory.resolve(ScratchDirectory.SERVER_FILE))
              .ifPresent(server -> stop(server, directory));
          ScratchDirectory.deleteTree(directory);
        }
      }
    } catch (IOException e) {
      LOGGER.warn("cannot look for servers left running by earlier test JVMs: {}", e.toString());
    }
  }

  private static void stop(ProcessHandle server, Path directory) {
    LOGGER.warn(
        "stopping pid {}, left running from {} by a test JVM that died", server.pid(), directory);
    server.destroy();
    try {
      server.onExit().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      server.destroyForcibly();
    }
  }
}

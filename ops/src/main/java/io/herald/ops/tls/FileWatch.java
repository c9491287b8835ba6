package io.herald.ops.tls;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the PEM files of one TLS identity (certificate chain, key, trusted certificates) and
 * reloads them when their content changes, so a certificate is rotated by replacing the files (a
 * Kubernetes secret mounted as a volume is updated in place) with no restart.
 *
 * <p>The files are read every {@code interval} and compared by a SHA-256 of their content (not
 * their mtime, which a secret's symlink swap and some copies do not change). A change runs the
 * reload; a reload that fails (a half-written file, a key that does not match its certificate)
 * leaves the identity in use as it was, logs one WARN per distinct bad content and counts {@code
 * herald.<service>.tls.reloads{link, result=rejected}}; a successful one counts {@code
 * result=reloaded}. Connections already open keep the identity they were opened with.
 */
public final class FileWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FileWatch.class);

  /** Loads the files and puts them in use; throws when they cannot be used. */
  @FunctionalInterface
  public interface Reload {
    void run() throws Exception;
  }

  private final String link;
  private final List<Path> files;
  private final Duration interval;
  private final Reload reload;
  private final Counter reloaded;
  private final Counter rejected;
  private final Object lock = new Object();
  private byte[] current;
  private byte[] lastRejected;
  private ScheduledExecutorService poller;

  /**
   * @param service the metric prefix's service ({@code comet}, {@code logic}, ...)
   * @param link what the identity secures, a bounded tag value ({@code clients}, {@code grpc},
   *     {@code logic}, ...)
   */
  public FileWatch(
      String service,
      String link,
      List<Path> files,
      Duration interval,
      Reload reload,
      MeterRegistry meters) {
    this.link = link;
    this.files = List.copyOf(files);
    this.interval = interval;
    this.reload = reload;
    String name = "herald." + service + ".tls.reloads";
    this.reloaded =
        Counter.builder(name)
            .description("TLS certificate reloads from disk, by outcome")
            .tag("link", link)
            .tag("result", "reloaded")
            .register(meters);
    this.rejected =
        Counter.builder(name)
            .description("TLS certificate reloads from disk, by outcome")
            .tag("link", link)
            .tag("result", "rejected")
            .register(meters);
  }

  /**
   * Loads the files now (their first load: a failure is thrown, not tolerated) and polls them from
   * then on.
   */
  public void start() throws Exception {
    synchronized (lock) {
      byte[] fingerprint = fingerprint();
      reload.run();
      current = fingerprint;
    }
    ScheduledExecutorService poller =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "herald-tls-watch-" + link);
              thread.setDaemon(true);
              return thread;
            });
    this.poller = poller;
    var unused =
        poller.scheduleWithFixedDelay(
            this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Reads the files once and reloads them if they changed since the last load.
   *
   * @return whether a new identity was put in use
   */
  public boolean check() {
    try {
      synchronized (lock) {
        return checkLocked();
      }
    } catch (RuntimeException e) {
      log.warn("Checking the TLS files of {} failed", link, e);
      return false;
    }
  }

  private boolean checkLocked() {
    byte[] fingerprint;
    try {
      fingerprint = fingerprint();
    } catch (IOException e) {
      return reject(null, e);
    }
    if (Arrays.equals(fingerprint, current)) {
      return false;
    }
    if (Arrays.equals(fingerprint, lastRejected)) {
      return false; // logged once already; the identity in use stays
    }
    try {
      reload.run();
    } catch (Exception e) {
      return reject(fingerprint, e);
    }
    current = fingerprint;
    lastRejected = null;
    reloaded.increment();
    log.info("TLS files for {} changed; new connections use them: {}", link, files);
    return true;
  }

  private boolean reject(byte[] fingerprint, Exception e) {
    rejected.increment();
    if (fingerprint != null) {
      lastRejected = fingerprint;
    }
    log.warn(
        "TLS files for {} changed but cannot be used ({}); keeping the certificate in use: {}",
        link,
        e.toString(),
        files);
    return false;
  }

  private byte[] fingerprint() throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    for (Path file : files) {
      digest.update(Files.readAllBytes(file));
      digest.update((byte) 0);
    }
    return digest.digest();
  }

  /** Stops polling. Idempotent. */
  @Override
  public void close() {
    if (poller != null) {
      poller.shutdownNow();
    }
  }
}

package io.herald.bench.scenario;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** A {@code clients} process started by a scenario, asked questions over its stdin/stdout. */
final class ClientProcess implements AutoCloseable {

  private final Process process;
  private final PrintWriter in;
  private final BufferedReader out;

  ClientProcess(Process process) {
    this.process = process;
    this.in =
        new PrintWriter(
            new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8),
            true);
    this.out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  /** Sends {@code command} and returns its reply line (the one starting with it in capitals). */
  synchronized String ask(String command) throws IOException {
    in.println(command);
    String prefix = command.toUpperCase(Locale.ROOT);
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      if (line.startsWith(prefix)) {
        return line;
      }
      if (line.startsWith("ERROR")) {
        throw new IOException("client process: " + line);
      }
    }
    throw new IOException("client process " + process.pid() + " ended");
  }

  /** {@code status}: connections authenticated so far. */
  int authenticated() throws IOException {
    return (int) field(ask("status"), "authenticated");
  }

  /** {@code status}: connections that failed to connect or were closed. */
  int lost() throws IOException {
    String status = ask("status");
    return (int) (field(status, "failed") + field(status, "closed"));
  }

  /** {@code status}: when its latest AUTH_REPLY arrived, µs since the epoch (0: none yet). */
  long lastAuthenticatedMicros() throws IOException {
    return field(ask("status"), "last_auth_us");
  }

  private static long field(String status, String name) {
    for (String part : status.split(" ", -1)) {
      if (part.startsWith(name + "=")) {
        return Long.parseLong(part.substring(name.length() + 1));
      }
    }
    throw new IllegalArgumentException("no " + name + " in " + status);
  }

  /**
   * {@code online}: connections up now and the churn so far, as fields ({@code online=N dropped=N
   * reset=N ...}).
   */
  java.util.Map<String, Long> online() throws IOException {
    java.util.Map<String, Long> fields = new java.util.LinkedHashMap<>();
    for (String part : ask("online").split(" ", -1)) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        fields.put(part.substring(0, eq), Long.parseLong(part.substring(eq + 1)));
      }
    }
    return fields;
  }

  long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    in.println("quit");
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}

package io.herald.logic.auth;

import io.herald.config.Check;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code webhook} mode: Logic POSTs each AUTH to the business service and believes its answer.
 *
 * @param url the business service's endpoint, {@code http://} or {@code https://}; required for
 *     mode {@code webhook}
 * @param timeout how long to wait for an answer before the AUTH is refused as unavailable; 1ms to
 *     1m, default 2s
 * @param cacheTtl how long an answer (accepted, 401 or 403) is reused for the same token and
 *     platform, so a reconnect storm does not hammer the service; default 10s
 * @param cacheSize the most answers kept; default 100000
 * @param headers sent with every call, e.g. an {@code Authorization} for the business service
 */
public record WebhookConfig(
    String url, Duration timeout, Duration cacheTtl, int cacheSize, Map<String, String> headers) {

  public WebhookConfig {
    url = url == null ? "" : url.strip();
    if (!url.isEmpty()) {
      Check.httpUrl("url", url);
    }
    Check.positive("timeout", timeout);
    Check.state(timeout.compareTo(Duration.ofMinutes(1)) <= 0, "timeout", timeout, "at most 1m");
    Check.positive("cacheTtl", cacheTtl);
    Check.positive("cacheSize", cacheSize);
    headers = headers == null ? Map.of() : Map.copyOf(headers);
    HttpRequest.Builder probe = HttpRequest.newBuilder();
    for (Map.Entry<String, String> header : headers.entrySet()) {
      try {
        probe.header(header.getKey(), header.getValue());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "headers."
                + header.getKey()
                + ": refused (expected: a header the client may set, not"
                + " Host, Connection, Content-Length, Expect or Upgrade)",
            e);
      }
    }
  }

  /** No URL yet; 2 s timeout; answers cached 10 s, at most 100,000 of them. */
  public static WebhookConfig defaults() {
    return new WebhookConfig("", Duration.ofSeconds(2), Duration.ofSeconds(10), 100_000, Map.of());
  }

  /** Shows the header names, never their values (they often carry credentials). */
  @Override
  public String toString() {
    Map<String, String> redacted = new TreeMap<>();
    headers.keySet().forEach(name -> redacted.put(name, "<redacted>"));
    return "WebhookConfig[url="
        + url
        + ", timeout="
        + timeout
        + ", cacheTtl="
        + cacheTtl
        + ", cacheSize="
        + cacheSize
        + ", headers="
        + redacted
        + "]";
  }
}

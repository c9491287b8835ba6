package io.herald.logic.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import com.google.protobuf.ByteString;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.herald.config.ConfigLoader;
import io.herald.proto.logic.v1.ConnectRequest;
import io.herald.proto.logic.v1.ConnectResponse;
import io.herald.proto.logic.v1.LogicGrpc;
import io.herald.testkit.FreePorts;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.RealKafka;
import io.herald.testkit.RealRedis;
import io.herald.testkit.RedisServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Runs Logic with every kind of secret set — a JWT secret, push API tokens (plain and scoped), an
 * admin token, a Redis password in its URI, a database password — fails auth every way a caller
 * can, makes config errors next to the secrets, and reads everything logged meanwhile (Herald's
 * loggers from DEBUG up, the libraries' at their usual level, stack traces included): no secret
 * appears, nor in the errors thrown, the config's {@code toString} or {@code /metrics}.
 */
@RealRedis
@RealKafka
class SecretsNotLoggedIT {
  private static final String JWT_SECRET = "jwt-secret-d41d8cd98f00b204e9800998ecf8427e";
  private static final String PUSH_TOKEN = "push-token-5f4dcc3b5aa765d61d8327de";
  private static final String SCOPED_TOKEN = "scoped-token-098f6bcd4621d373cade4e83";
  private static final String ADMIN_TOKEN = "admin-token-e10adc3949ba59abbe56e057";
  private static final String REDIS_PASSWORD = "redis-password-25d55ad283aa400af464c76d";
  private static final String DB_PASSWORD = "db-password-fcea920f7412b5da7be0cf42";
  private static final List<String> SECRETS =
      List.of(JWT_SECRET, PUSH_TOKEN, SCOPED_TOKEN, ADMIN_TOKEN, REDIS_PASSWORD, DB_PASSWORD);

  private static final ConfigLoader<LogicConfig> LOADER =
      new ConfigLoader<>(LogicConfig.class, LogicConfig.defaults(), "LOGIC");

  /** Every event logged while it is attached, formatted with its stack trace. */
  private static final class Capture extends AppenderBase<ILoggingEvent> {
    final List<String> lines = new ArrayList<>();

    @Override
    protected synchronized void append(ILoggingEvent event) {
      String line = event.getLoggerName() + " " + event.getFormattedMessage();
      if (event.getThrowableProxy() != null) {
        line += "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy());
      }
      lines.add(line);
    }

    synchronized String all() {
      return String.join("\n", lines);
    }
  }

  @Test
  void noSecretReachesTheLogs(RedisServer redis, KafkaBroker kafka, @TempDir Path dir)
      throws Exception {
    // Everything Herald logs from DEBUG up, and what the libraries log at their usual level.
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Logger herald = (Logger) LoggerFactory.getLogger("io.herald");
    Level level = herald.getLevel();
    Capture capture = new Capture();
    capture.start();
    root.addAppender(capture);
    herald.setLevel(Level.DEBUG);
    List<String> thrown = new ArrayList<>();
    try {
      int httpPort = FreePorts.next();
      int grpcPort = FreePorts.next();
      LogicConfig config =
          LOADER.load(yaml(dir, httpPort, grpcPort, redis, kafka), Map.of()).config();
      thrown.add(config.toString());
      run(config, httpPort, grpcPort, thrown);

      // Config errors next to the secrets, as the launcher would report them.
      int refusals = 0;
      String passwordUri = "redis://:" + REDIS_PASSWORD + "@127.0.0.1:notaport";
      for (Map<String, String> env :
          List.of(
              Map.of("LOGIC_STORE_REDIS_URI", passwordUri),
              Map.of("LOGIC_STORE_REDIS_URI", "redis://:" + REDIS_PASSWORD + "@a:1,b:2"),
              Map.of("LOGIC_REGISTRY_REDIS_URI", passwordUri),
              Map.of("LOGIC_AUTH_JWT_SECRET", "short " + REDIS_PASSWORD.substring(0, 5)),
              Map.of("LOGIC_ADMIN_TOKENS", PUSH_TOKEN),
              Map.of("LOGIC_PUSH_API_SCOPEDTOKENS", "write:" + SCOPED_TOKEN),
              Map.of("LOGIC_PUSH_API_SCOPEDTOKENS", "admin:" + ADMIN_TOKEN.substring(0, 15)),
              Map.of("LOGIC_IM_DATABASE_POOLSIZE", "0"))) {
        Throwable refused =
            catchThrowable(() -> LOADER.load(yaml(dir, httpPort, grpcPort, redis, kafka), env));
        if (refused != null) {
          refusals++;
          thrown.add(chain(refused));
          LoggerFactory.getLogger(SecretsNotLoggedIT.class).error("config refused", refused);
        }
      }
      assertThat(refusals).isGreaterThanOrEqualTo(6);
    } finally {
      root.detachAppender(capture);
      herald.setLevel(level);
    }

    String logged = capture.all();
    assertThat(capture.lines).hasSizeGreaterThan(10); // it did log: the check means something
    for (String secret : SECRETS) {
      assertThat(logged).as("the log").doesNotContain(secret);
      for (String text : thrown) {
        assertThat(text).as("an error or toString").doesNotContain(secret);
      }
    }
    assertThat(String.join("\n", thrown)).contains("<hidden>");
  }

  /** Starts Logic, fails every way in, and stops it. */
  private static void run(LogicConfig config, int httpPort, int grpcPort, List<String> thrown)
      throws Exception {
    LogicServer logic =
        new LogicServer(
            config, Clock.systemUTC(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    logic.start();
    ManagedChannel channel =
        Grpc.newChannelBuilder("127.0.0.1:" + grpcPort, InsecureChannelCredentials.create())
            .build();
    try {
      WebClient http = WebClient.of("http://127.0.0.1:" + httpPort);
      String push = "/goim/push/all?operation=1000&speed=0";
      for (String authorization :
          List.of(
              "Bearer " + PUSH_TOKEN + "x",
              "Bearer " + SCOPED_TOKEN.substring(1),
              "Basic " + ADMIN_TOKEN,
              PUSH_TOKEN)) {
        thrown.add(call(http, HttpMethod.POST, push, authorization).contentUtf8());
        thrown.add(
            call(http, HttpMethod.GET, "/herald/admin/api/comets", authorization).contentUtf8());
      }
      // Right token, wrong scope; right token through.
      thrown.add(
          call(http, HttpMethod.GET, "/goim/online/total", "Bearer " + SCOPED_TOKEN).contentUtf8());
      assertThat(call(http, HttpMethod.POST, push, "Bearer " + PUSH_TOKEN).status().code())
          .isEqualTo(200);
      assertThat(
              call(http, HttpMethod.GET, "/herald/admin/api/comets", "Bearer " + ADMIN_TOKEN)
                  .status()
                  .code())
          .isEqualTo(200);
      thrown.add(call(http, HttpMethod.GET, "/metrics", null).contentUtf8());

      // AUTHs that fail: tokens carrying the secrets, a malformed body.
      LogicGrpc.LogicBlockingStub comets =
          LogicGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
      for (String body :
          List.of(
              "{\"token\":\"" + JWT_SECRET + "\"}",
              "{\"token\":\"eyJhbGciOiJIUzI1NiJ9." + PUSH_TOKEN + ".x\"}",
              "{\"token\":\"" + ADMIN_TOKEN,
              "{\"mid\":1,\"token\":\"" + "y".repeat(5000) + "\"}")) {
        ConnectResponse reply =
            comets.connect(
                ConnectRequest.newBuilder()
                    .setServerId("comet-a")
                    .setServerEpoch(1)
                    .setConnId(1)
                    .setToken(ByteString.copyFromUtf8(body))
                    .build());
        assertThat(reply.hasRejection()).isTrue();
        thrown.add(reply.toString());
      }
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      logic.stop();
    }
  }

  private static AggregatedHttpResponse call(
      WebClient http, HttpMethod method, String path, String authorization) {
    RequestHeadersBuilder headers = RequestHeaders.builder(method, path);
    if (authorization != null) {
      headers.add(HttpHeaderNames.AUTHORIZATION, authorization);
    }
    return http.execute(headers.build(), method == HttpMethod.POST ? "hi" : "").aggregate().join();
  }

  private static Path yaml(
      Path dir, int httpPort, int grpcPort, RedisServer redis, KafkaBroker kafka) throws Exception {
    return Files.writeString(
        dir.resolve("logic.yaml"),
        String.join(
            "\n",
            "server: {host: 127.0.0.1, httpPort: " + httpPort + ", grpcPort: " + grpcPort + "}",
            "auth: {mode: jwt, jwt: {secret: '" + JWT_SECRET + "', algorithms: [HS256]}}",
            "store:",
            "  backend: redis",
            "  redis: {uri: '" + redis.uri() + "', keyPrefix: '" + redis.keyPrefix() + "sec'}",
            "push:",
            "  kafka: {bootstrapServers: '" + kafka.bootstrapServers() + "', topic: secrets}",
            "  api:",
            "    tokens: [" + PUSH_TOKEN + "]",
            "    scopedTokens: [{token: " + SCOPED_TOKEN + ", scopes: [push]}]",
            "registry: {backend: memory}",
            "im:",
            "  enabled: true",
            "  database:",
            "    url: 'jdbc:h2:file:" + dir.resolve("im") + ";MODE=PostgreSQL'",
            "    user: herald",
            "    password: " + DB_PASSWORD,
            "admin: {tokens: [" + ADMIN_TOKEN + "]}",
            ""));
  }

  private static String chain(Throwable e) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      text.append(t).append('\n');
    }
    return text.toString();
  }
}

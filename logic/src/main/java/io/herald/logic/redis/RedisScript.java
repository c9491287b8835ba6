package io.herald.logic.redis;

import io.herald.logic.Failures;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

/**
 * A Lua script run by its SHA1 ({@code EVALSHA}), sent in full ({@code EVAL}) only when the server
 * does not know it yet (after a restart or a {@code SCRIPT FLUSH}). Every script Herald runs
 * touches keys of one cluster slot only.
 */
public final class RedisScript {
  private final String source;
  private final String sha;
  private final ScriptOutputType output;

  public RedisScript(String source, ScriptOutputType output) {
    this.source = source;
    this.sha = sha1(source);
    this.output = output;
  }

  /** Runs the script with {@code keys} as KEYS and {@code args} as ARGV. */
  public <T> CompletableFuture<T> run(
      RedisClusterAsyncCommands<String, String> redis, String[] keys, String... args) {
    CompletableFuture<T> bySha = redis.<T>evalsha(sha, output, keys, args).toCompletableFuture();
    return bySha.exceptionallyCompose(
        error -> {
          Throwable cause = Failures.cause(error);
          if (cause instanceof RedisNoScriptException) {
            return redis.<T>eval(source, output, keys, args).toCompletableFuture();
          }
          return CompletableFuture.failedFuture(cause);
        });
  }

  private static String sha1(String source) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is part of every JDK", e);
    }
  }
}

package io.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Work handed to the client's loop from any thread, and who shuts which loop down. */
class ClientEventLoopTest {

  /** Why {@code future} failed, waiting for it; {@code null} if it did not. */
  private static Throwable failure(CompletableFuture<?> future) {
    return future.handle((value, error) -> error).join();
  }

  @Test
  void workRunsOnTheClientsOwnLoopWhichCloseShutsDown() {
    ClientEventLoop loop = new ClientEventLoop(null);

    assertThat(loop.call(() -> Thread.currentThread().getName()).join())
        .startsWith("herald-client");
    assertThat(failure(loop.call(() -> Integer.parseInt("x"))))
        .isInstanceOf(NumberFormatException.class);

    AtomicReference<String> last = new AtomicReference<>();
    loop.close(() -> last.set(Thread.currentThread().getName()));
    assertThat(last.get()).as("run on the loop, waited for").startsWith("herald-client");
    assertThat(loop.loop().isTerminated()).isTrue();
    assertThat(failure(loop.call(() -> "too late")))
        .isInstanceOf(HeraldClientException.class)
        .hasMessage("client closed");
  }

  @Test
  void onTheLoopWorkRunsAtOnce() {
    ClientEventLoop loop = new ClientEventLoop(null);
    try {
      String nested =
          loop.call(() -> loop.call(() -> "inline").getNow("queued behind the caller")).join();
      assertThat(nested).isEqualTo("inline");
    } finally {
      loop.close(() -> {});
    }
  }

  @Test
  void closingOnTheLoopDoesNotWaitForItself() {
    ClientEventLoop loop = new ClientEventLoop(null);
    AtomicReference<Boolean> ran = new AtomicReference<>(false);

    loop.call(
            () -> {
              loop.close(() -> ran.set(true));
              return ran.get();
            })
        .join();

    assertThat(ran.get()).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> loop.loop().isTerminated());
  }

  @Test
  void aSharedGroupIsLeftRunning() {
    EventLoopGroup shared = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    try {
      ClientEventLoop loop = new ClientEventLoop(shared);
      AtomicReference<Boolean> ran = new AtomicReference<>(false);
      loop.close(() -> ran.set(true));
      assertThat(ran.get()).isTrue();
      assertThat(shared.isShuttingDown()).isFalse();
      assertThat(loop.call(() -> "still served").join()).isEqualTo("still served");
    } finally {
      shared.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}

package io.herald.logic.auth;

import static io.herald.logic.auth.AuthAssertions.accepted;
import static io.herald.logic.auth.AuthAssertions.refusal;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class TrustAuthenticatorTest {
  @Test
  void refusedUnlessExplicitlyEnabled() {
    assertThatThrownBy(() -> new TrustAuthenticator(false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("any client claim any mid")
        .hasMessageContaining("set auth.allowTrust: true");
  }

  @Test
  void theConfigRefusesTrustWithoutAllowTrust() {
    assertThatThrownBy(
            () ->
                new AuthConfig(
                    AuthConfig.TRUST, false, JwtConfig.defaults(), WebhookConfig.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("mode: trust (expected: jwt or webhook;")
        .hasMessageContaining("set allowTrust: true");
  }

  @Test
  void whenEnabledTheMidInTheBodyIsBelieved() throws Exception {
    Authenticator trust = new TrustAuthenticator(true);
    AuthRequest goim =
        AuthRequestParser.parse(
            "{\"mid\":123,\"room_id\":\"live://1000\",\"platform\":\"web\",\"accepts\":[1000]}"
                .getBytes(UTF_8),
            "10.0.0.1");

    assertThat(accepted(trust.authenticate(goim))).isEqualTo(new Identity(123));
  }

  @Test
  void midZeroIsAnonymousAndANegativeMidIsRefused() throws Exception {
    Authenticator trust = new TrustAuthenticator(true);

    assertThat(accepted(trust.authenticate(request(0)))).isEqualTo(new Identity(0));
    AuthException refused = refusal(trust.authenticate(request(-1)));
    assertThat(refused.reason()).isEqualTo(AuthException.Reason.MALFORMED);
    assertThat(refused).hasMessageStartingWith("mid: negative");
  }

  @Test
  void enablingItWarns() {
    Logger logger = (Logger) LoggerFactory.getLogger(TrustAuthenticator.class);
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    logger.addAppender(events);
    try {
      new TrustAuthenticator(true);
    } finally {
      logger.detachAppender(events);
    }

    assertThat(events.list)
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.getLevel()).isEqualTo(Level.WARN);
              assertThat(event.getFormattedMessage())
                  .isEqualTo(
                      "trust mode: any client may claim any mid; for development and standalone"
                          + " only");
            });
  }

  private static AuthRequest request(long mid) {
    return new AuthRequest(mid, "", "", "web", List.of(), "", "10.0.0.1");
  }
}

package io.herald.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretsTest {
  @Test
  void userInfoAndPasswordParametersAreHidden() {
    assertThat(Secrets.redactUri("redis://:s3cret@cache:6379/0"))
        .isEqualTo("redis://<hidden>@cache:6379/0");
    assertThat(Secrets.redactUri("rediss://app:s3cret@a:1,b:2"))
        .isEqualTo("rediss://<hidden>@a:1,b:2");
    assertThat(Secrets.redactUri("redis-sentinel://:s3cret@s1:26379,s2:26379#main"))
        .isEqualTo("redis-sentinel://<hidden>@s1:26379,s2:26379#main");
    assertThat(
            Secrets.redactUri("jdbc:postgresql://db:5432/herald?user=h&password=s3cret&ssl=true"))
        .isEqualTo("jdbc:postgresql://db:5432/herald?user=h&password=<hidden>&ssl=true");
    assertThat(Secrets.redactUri("jdbc:h2:file:./data/im;PASSWORD=s3cret;MODE=PostgreSQL"))
        .isEqualTo("jdbc:h2:file:./data/im;PASSWORD=<hidden>;MODE=PostgreSQL");
    assertThat(Secrets.redactUri("redis://127.0.0.1:6379")).isEqualTo("redis://127.0.0.1:6379");
    assertThat(Secrets.presence("x")).isEqualTo("<hidden>");
    assertThat(Secrets.presence("")).isEmpty();
  }
}

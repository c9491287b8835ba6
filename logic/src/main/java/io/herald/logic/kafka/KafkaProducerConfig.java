package io.herald.logic.kafka;

import io.herald.config.Check;
import io.herald.config.Durations;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A Kafka producer Logic publishes through (pushes under {@code push.kafka}, upstream messages
 * under {@code receive.kafka}): idempotent, {@code acks=all}, byte-array records. Every setting a
 * Kafka producer would refuse at construction, or that could never deliver, is refused here, when
 * the config is loaded, with the key and what is expected; {@link #producerProperties()} is then a
 * set the producer accepts.
 *
 * @param bootstrapServers {@code host:port,...}
 * @param topic the topic records go to: 1-249 of {@code [a-zA-Z0-9._-]}
 * @param clientId the producer's {@code client.id}; empty for Kafka's default
 * @param maxBlock how long a send may wait for topic metadata or buffer space ({@code
 *     max.block.ms})
 * @param requestTimeout how long the producer waits for one broker answer ({@code
 *     request.timeout.ms})
 * @param deliveryTimeout how long a record may take from send to acknowledgement, retries included
 *     ({@code delivery.timeout.ms}); at least {@code linger + requestTimeout}, as Kafka requires
 * @param linger how long the producer waits to fill a batch ({@code linger.ms}); set here because
 *     Kafka's own default changed (0 before 4.0, 5 ms since)
 * @param properties further producer properties (TLS, SASL, compression, ...): names Kafka's
 *     producer knows, values it accepts, none of the ones set above or fixed for the guarantee
 */
public record KafkaProducerConfig(
    String bootstrapServers,
    String topic,
    String clientId,
    Duration maxBlock,
    Duration requestTimeout,
    Duration deliveryTimeout,
    Duration linger,
    Map<String, String> properties) {

  /** Producer properties fixed for the delivery guarantee (idempotent, every replica, in order). */
  static final Set<String> FIXED_PROPERTIES =
      Set.of(
          ProducerConfig.ACKS_CONFIG,
          ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
          ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
          ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
          ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
          // Herald never begins a transaction: a transactional producer could send nothing.
          ProducerConfig.TRANSACTIONAL_ID_CONFIG);

  /** Producer properties set by this record's own keys. */
  static final Map<String, String> KEYED_PROPERTIES =
      Map.of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "bootstrapServers",
          ProducerConfig.CLIENT_ID_CONFIG, "clientId",
          ProducerConfig.MAX_BLOCK_MS_CONFIG, "maxBlock",
          ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "requestTimeout",
          ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "deliveryTimeout",
          ProducerConfig.LINGER_MS_CONFIG, "linger");

  private static final Pattern SERVER = Pattern.compile("\\S+:(\\d{1,5})");
  private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
  private static final Duration MAX_MILLIS = Duration.ofMillis(Integer.MAX_VALUE);

  /** Local Kafka; 2 s to block or wait for a broker, 5 s to deliver, batches lingering 5 ms. */
  public static KafkaProducerConfig defaults(String topic, String clientId) {
    return new KafkaProducerConfig(
        "127.0.0.1:9092",
        topic,
        clientId,
        Duration.ofSeconds(2),
        Duration.ofSeconds(2),
        Duration.ofSeconds(5),
        Duration.ofMillis(5),
        Map.of());
  }

  public KafkaProducerConfig {
    Check.notBlank("bootstrapServers", bootstrapServers);
    for (String server : bootstrapServers.split(",", -1)) {
      Matcher port = SERVER.matcher(server.strip());
      Check.state(
          port.matches()
              && Integer.parseInt(port.group(1)) >= 1
              && Integer.parseInt(port.group(1)) <= 65535,
          "bootstrapServers",
          bootstrapServers,
          "host:port[,host:port...]");
    }
    Check.notNull("topic", topic);
    Check.state(
        TOPIC.matcher(topic).matches() && !topic.equals(".") && !topic.equals(".."),
        "topic",
        topic,
        "a Kafka topic name: 1-249 of a-z, A-Z, 0-9, '.', '_', '-'");
    clientId = clientId == null ? "" : clientId.strip();
    millis("maxBlock", Check.positive("maxBlock", maxBlock));
    millis("requestTimeout", Check.positive("requestTimeout", requestTimeout));
    millis("deliveryTimeout", Check.positive("deliveryTimeout", deliveryTimeout));
    Check.notNull("linger", linger);
    Check.state(!linger.isNegative(), "linger", linger, ">= 0");
    millis("linger", linger);
    Check.state(
        deliveryTimeout.compareTo(linger.plus(requestTimeout)) >= 0,
        "deliveryTimeout",
        deliveryTimeout,
        "at least linger + requestTimeout = "
            + Durations.format(linger.plus(requestTimeout))
            + ", or Kafka refuses to build the producer");
    properties = checkProperties(properties);
  }

  private static void millis(String name, Duration value) {
    Check.state(
        value.compareTo(MAX_MILLIS) <= 0,
        name,
        value,
        "at most " + MAX_MILLIS.toHours() + "h, an int of milliseconds for Kafka");
  }

  private static Map<String, String> checkProperties(Map<String, String> given) {
    Map<String, String> copy = given == null ? Map.of() : Map.copyOf(given);
    ConfigDef producer = ProducerConfig.configDef();
    Set<String> known = ProducerConfig.configNames();
    for (Map.Entry<String, String> property : copy.entrySet()) {
      String name = "properties." + property.getKey();
      String value = property.getValue();
      Check.state(
          !FIXED_PROPERTIES.contains(property.getKey()),
          name,
          value,
          "not set: Herald fixes " + String.join(", ", new TreeSet<>(FIXED_PROPERTIES)));
      String keyed = KEYED_PROPERTIES.get(property.getKey());
      Check.state(keyed == null, name, value, "not set here: use the key " + keyed);
      Check.state(known.contains(property.getKey()), name, value, "a Kafka producer property");
    }
    // Kafka's own parsing and validators (types, ranges, enumerations), without building a client.
    Map<String, ConfigValue> checked = producer.validateAll(copy);
    for (String key : new TreeSet<>(copy.keySet())) {
      ConfigValue result = checked.get(key);
      if (result != null && !result.errorMessages().isEmpty()) {
        throw new IllegalArgumentException(
            "properties."
                + key
                + ": "
                + copy.get(key)
                + " (expected: a value Kafka's producer accepts; it says: "
                + String.join("; ", result.errorMessages())
                + ")");
      }
    }
    String retries = copy.get(ProducerConfig.RETRIES_CONFIG);
    Check.state(
        retries == null || Integer.parseInt(retries.strip()) > 0,
        "properties." + ProducerConfig.RETRIES_CONFIG,
        retries,
        "> 0, as an idempotent producer requires");
    return copy;
  }

  /** The properties the producer is built with. */
  public Map<String, Object> producerProperties() {
    Map<String, Object> props = new HashMap<>(properties);
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    if (!clientId.isEmpty()) {
      props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    }
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlock.toMillis());
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) requestTimeout.toMillis());
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) deliveryTimeout.toMillis());
    props.put(ProducerConfig.LINGER_MS_CONFIG, (int) linger.toMillis());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return props;
  }
}

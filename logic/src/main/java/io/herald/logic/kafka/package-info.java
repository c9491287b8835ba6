/** The settings of the Kafka producers Logic publishes through: pushes and upstream messages. */
package io.herald.logic.kafka;

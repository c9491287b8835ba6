/** Where upstream client messages go: a log, a Kafka topic or a business webhook. */
package io.herald.logic.receive;

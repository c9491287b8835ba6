/**
 * Where pushes wait for Job: the {@link io.herald.logic.queue.PushQueue} and its Kafka
 * implementation (the in-process one of {@code herald standalone} lives in {@code dist}).
 */
package io.herald.logic.queue;

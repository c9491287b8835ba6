/**
 * The push service: checks a push, gives it a message id, resolves its targets to the Comets that
 * hold them and publishes one record per Comet to the queue, answering once the queue has them all.
 */
package io.herald.logic.push;

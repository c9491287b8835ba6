/**
 * Sessions: which devices a user has and which Comet holds each, fenced by the connection that
 * holds them; in Redis or in memory.
 */
package io.herald.logic.session;

/**
 * The Redis connection Logic's stores share (sessions, online reports, the room index): one
 * pipelined Lettuce connection, Lua scripts run by SHA, latency by purpose.
 */
package io.herald.logic.redis;

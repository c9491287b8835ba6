/**
 * Logic's side of the Comets: the {@code herald.logic.v1.Logic} service they call (connect,
 * heartbeat, disconnect, room joins, online reports, upstream messages, node lists), the connection
 * a Connect opens (device key, duplicate logins), the purge of a restarted or departed Comet's
 * sessions, and the gRPC clients Logic calls the Comets with (kick, resync).
 */
package io.herald.logic.comet;

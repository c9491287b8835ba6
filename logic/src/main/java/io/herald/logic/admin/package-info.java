/**
 * The operators' console on Logic's HTTP port ({@code /herald/admin/}): a static page and a JSON
 * API behind admin bearer tokens of its own — the Comets by region, online totals and top rooms, a
 * push through Logic's push path, draining a Comet through its gRPC {@code Drain}.
 */
package io.herald.logic.admin;

/**
 * NunDB's HTTP command endpoint ({@code POST /} with commands in the body, one session per
 * request) and the optional admin guard in front of Actuator.
 */
package io.nundb.transport.http;

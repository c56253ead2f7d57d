/**
 * Messages the services exchange over RabbitMQ. Plain records serialised as JSON; one definition here, used by
 * producer and consumer alike, so a field can never drift between two copies.
 */
package org.amihes.contracts;

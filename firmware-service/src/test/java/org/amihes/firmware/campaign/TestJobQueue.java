package org.amihes.firmware.campaign;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;

/**
 * The test's side of the broker where it plays association-service: the results and registry exchanges declared, and
 * a queue of its own bound to a jobs exchange with weight 1, so it takes every job published there.
 */
final class TestJobQueue {

    final Connection connection;
    final Channel channel;
    final String queue;

    TestJobQueue(String connectionName, String jobsExchange) throws Exception {
        connection = org.amihes.service.testing.TestRabbit.factory().newConnection(connectionName);
        channel = connection.createChannel();
        channel.exchangeDeclare(jobsExchange, "x-consistent-hash", true);
        channel.exchangeDeclare(CampaignFlowTest.RESULTS, "topic", true);
        channel.exchangeDeclare(CampaignFlowTest.REGISTRY, "topic", true);
        queue = channel.queueDeclare().getQueue();
        channel.queueBind(queue, jobsExchange, "1"); // weight 1: every job lands here
    }
}

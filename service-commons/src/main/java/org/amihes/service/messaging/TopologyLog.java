package org.amihes.service.messaging;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** Says at start which exchanges this service uses, so an operator can tell a misrouted deployment from the log. */
@ApplicationScoped
public class TopologyLog {

    private static final Logger LOG = Logger.getLogger(TopologyLog.class);

    void onStart(@Observes StartupEvent event, Topology topology) {
        LOG.infof("broker topology: jobs %s (consistent hash by meter id), results %s, registry %s, meter events %s",
                topology.jobsExchange(), topology.resultsExchange(), topology.registryExchange(),
                topology.eventsExchange());
    }
}

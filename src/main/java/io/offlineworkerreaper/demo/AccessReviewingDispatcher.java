package io.offlineworkerreaper.demo;

import java.util.function.Predicate;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatusBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * The emulated API server of the demo (and the tests), answering SelfSubjectAccessReviews as an API server with
 * RBAC does: allowed when {@code allowed} says so. fabric8's CRUD mock alone would store the review and give no
 * decision.
 */
public final class AccessReviewingDispatcher extends KubernetesCrudDispatcher {

    private final Predicate<ResourceAttributes> allowed;

    public AccessReviewingDispatcher(Predicate<ResourceAttributes> allowed) {
        this.allowed = allowed;
    }

    @Override
    public MockResponse handleCreate(RecordedRequest request) {
        if (!request.getPath().endsWith("/selfsubjectaccessreviews")) {
            return super.handleCreate(request);
        }
        SelfSubjectAccessReview review = Serialization.unmarshal(request.getUtf8Body(), SelfSubjectAccessReview.class);
        boolean granted = review.getSpec() != null && review.getSpec().getResourceAttributes() != null
                && allowed.test(review.getSpec().getResourceAttributes());
        review.setStatus(new SubjectAccessReviewStatusBuilder().withAllowed(granted)
                .withReason(granted ? "allowed by the emulated cluster" : "denied by the emulated cluster").build());
        return new MockResponse().setResponseCode(201).setBody(Serialization.asJson(review));
    }
}

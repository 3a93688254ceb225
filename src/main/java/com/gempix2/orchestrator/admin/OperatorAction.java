package com.gempix2.orchestrator.admin;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Marks an operator API method that changes something; {@link OperatorAudit} logs and counts every call of it. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@interface OperatorAction {

    /** The action's name in the audit log and the metric's {@code action} label. */
    String value();
}

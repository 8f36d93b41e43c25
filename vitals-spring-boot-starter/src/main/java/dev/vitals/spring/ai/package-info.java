/** Spring AI integration: {@link dev.vitals.spring.ai.VitalsChatObservationHandler}. */
package dev.vitals.spring.ai;

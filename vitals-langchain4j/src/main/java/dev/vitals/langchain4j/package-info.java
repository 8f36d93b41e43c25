/**
 * Vitals for LangChain4j: {@link dev.vitals.langchain4j.VitalsChatModelListener} records every chat
 * call of a LangChain4j model in Vitals' metric families.
 */
package dev.vitals.langchain4j;

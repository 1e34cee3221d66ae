/** A transform step's output is its rendered input, checked against its output schema. */
import { renderTemplate } from '../expressions.js';
import { describeIssues } from '../schemas.js';
import type { StepExecutor } from './context.js';

export const runTransform: StepExecutor = async (ctx) => {
  const { step } = ctx.plan;
  const output = renderTemplate(ctx.plan.input, ctx.scope);
  const issues = ctx.services.schemas.check(step.output_schema_id, output);
  if (issues.length > 0) {
    const message = describeIssues(`output of step "${step.id}"`, step.output_schema_id!, issues);
    return { status: 'failed', error: { code: 'output_invalid', message, issues } };
  }
  return { status: 'succeeded', output };
};

/** The Powertools service name of the function, in its logs and in the stack's environment. */
export const SERVICE_NAME = 'datapipeline-task-runner';

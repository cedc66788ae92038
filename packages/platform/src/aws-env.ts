/**
 * Node 20 is pinned (README): the AWS SDK's notice that future releases need Node 22 would clutter
 * every log, so it is turned off unless set.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
export {};

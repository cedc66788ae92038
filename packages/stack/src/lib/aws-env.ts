/**
 * This project pins Node 20 (see README); the AWS SDK's notice that future SDK releases need
 * Node 22 is known and would only clutter every report, so it is turned off unless set.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
export {};

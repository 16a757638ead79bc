/** ECS `event.category`/`event.type` of CloudTrail event names (after Elastic's aws.cloudtrail). */

type Categorization = readonly [category: readonly string[], type: readonly string[]];

const AUTH_INFO: Categorization = [['authentication'], ['info']];
const IAM_USER_CHANGE: Categorization = [['iam'], ['user', 'change']];
const IAM_USER_CREATION: Categorization = [['iam'], ['user', 'creation']];
const IAM_USER_DELETION: Categorization = [['iam'], ['user', 'deletion']];
const IAM_USER_INFO: Categorization = [['iam'], ['user', 'info']];
const IAM_GROUP_CHANGE: Categorization = [['iam'], ['group', 'change']];
const IAM_GROUP_CREATION: Categorization = [['iam'], ['group', 'creation']];
const IAM_GROUP_DELETION: Categorization = [['iam'], ['group', 'deletion']];
const IAM_GROUP_INFO: Categorization = [['iam'], ['group', 'info']];
const IAM_ADMIN_CHANGE: Categorization = [['iam'], ['admin', 'change']];

const BY_EVENT_NAME: Readonly<Record<string, Categorization>> = {
  ConsoleLogin: AUTH_INFO,
  AssumeRole: AUTH_INFO,
  AssumeRoleWithSAML: AUTH_INFO,
  AssumeRoleWithWebIdentity: AUTH_INFO,
  GetSessionToken: AUTH_INFO,
  GetFederationToken: AUTH_INFO,
  SwitchRole: AUTH_INFO,
  CreateUser: IAM_USER_CREATION,
  DeleteUser: IAM_USER_DELETION,
  UpdateUser: IAM_USER_CHANGE,
  GetUser: IAM_USER_INFO,
  ListUsers: IAM_USER_INFO,
  CreateAccessKey: IAM_USER_CHANGE,
  DeleteAccessKey: IAM_USER_CHANGE,
  UpdateAccessKey: IAM_USER_CHANGE,
  CreateLoginProfile: IAM_USER_CHANGE,
  UpdateLoginProfile: IAM_USER_CHANGE,
  ChangePassword: IAM_USER_CHANGE,
  AttachUserPolicy: IAM_USER_CHANGE,
  DetachUserPolicy: IAM_USER_CHANGE,
  PutUserPolicy: IAM_USER_CHANGE,
  DeleteUserPolicy: IAM_USER_CHANGE,
  EnableMFADevice: IAM_USER_CHANGE,
  DeactivateMFADevice: IAM_USER_CHANGE,
  CreateVirtualMFADevice: IAM_USER_CHANGE,
  DeleteVirtualMFADevice: IAM_USER_CHANGE,
  TagUser: IAM_USER_CHANGE,
  UntagUser: IAM_USER_CHANGE,
  CreateGroup: IAM_GROUP_CREATION,
  DeleteGroup: IAM_GROUP_DELETION,
  UpdateGroup: IAM_GROUP_CHANGE,
  GetGroup: IAM_GROUP_INFO,
  ListGroups: IAM_GROUP_INFO,
  AddUserToGroup: IAM_GROUP_CHANGE,
  RemoveUserFromGroup: IAM_GROUP_CHANGE,
  AttachGroupPolicy: IAM_GROUP_CHANGE,
  DetachGroupPolicy: IAM_GROUP_CHANGE,
  PutGroupPolicy: IAM_GROUP_CHANGE,
  DeleteGroupPolicy: IAM_GROUP_CHANGE,
  CreateRole: [['iam'], ['admin', 'creation']],
  DeleteRole: [['iam'], ['admin', 'deletion']],
  UpdateRole: IAM_ADMIN_CHANGE,
  AttachRolePolicy: IAM_ADMIN_CHANGE,
  PutRolePolicy: IAM_ADMIN_CHANGE,
  UpdateAssumeRolePolicy: IAM_ADMIN_CHANGE,
  SetDefaultPolicyVersion: IAM_ADMIN_CHANGE,
  UpdateAccountPasswordPolicy: IAM_ADMIN_CHANGE,
  CreateKeyPair: [['iam'], ['admin', 'creation']],
  CreateBucket: [['file'], ['creation']],
  DeleteBucket: [['file'], ['deletion']],
  StopLogging: [['configuration'], ['change']],
  DeleteTrail: [['configuration'], ['deletion']],
  UpdateTrail: [['configuration'], ['change']],
  PutBucketPolicy: [['configuration'], ['change']],
};

/** Category and type for an event name; `info` with no category when the name is not listed. */
export function cloudtrailCategorization(eventName: string | undefined): {
  category: string[] | undefined;
  type: string[];
} {
  const known =
    eventName !== undefined && Object.hasOwn(BY_EVENT_NAME, eventName)
      ? BY_EVENT_NAME[eventName]
      : undefined;
  if (known === undefined) return { category: undefined, type: ['info'] };
  return { category: [...known[0]], type: [...known[1]] };
}

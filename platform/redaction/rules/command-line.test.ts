import { describe, expect, it } from 'vitest';
import { createSecretScanner } from '../index.ts';

const { redact } = createSecretScanner();
const M = '[REDACTED:cli-password]';

describe('cli-password', () => {
  it.each([
    [
      'long option, space separated',
      'vault login --password Hunter2! -method=userpass',
      `vault login --password ${M} -method=userpass`,
    ],
    [
      'long option with a prefix',
      'app --db-password "c0rrect horse" --verbose',
      `app --db-password "${M}" --verbose`,
    ],
    [
      'single-dash option (PowerShell)',
      'New-LocalUser -Name bob -Password Zx9pass!',
      `New-LocalUser -Name bob -Password ${M}`,
    ],
    [
      'keytool',
      'keytool -list -keystore ks.jks -storepass ch4ngeit',
      `keytool -list -keystore ks.jks -storepass ${M}`,
    ],
    [
      'openssl pass:',
      'openssl rsa -in k.pem -passin pass:S3cret',
      `openssl rsa -in k.pem -passin pass:${M}`,
    ],
    ['mysql attached -p', 'mysql -u root -pHunter2! appdb', `mysql -u root -p${M} appdb`],
    [
      'mysqldump by path',
      '/usr/bin/mysqldump -uroot -pS3cret --all-databases',
      `/usr/bin/mysqldump -uroot -p${M} --all-databases`,
    ],
    ['sshpass', 'sshpass -p Zx9pass! ssh deploy@10.0.0.7', `sshpass -p ${M} ssh deploy@10.0.0.7`],
    [
      'psexec',
      'PsExec64.exe \\\\10.0.0.5 -u CORP\\admin -p Winter2025! cmd',
      `PsExec64.exe \\\\10.0.0.5 -u CORP\\admin -p ${M} cmd`,
    ],
    ['redis-cli', 'redis-cli -h cache -a R3disPw ping', `redis-cli -h cache -a ${M} ping`],
    [
      'ldapsearch',
      'ldapsearch -x -D cn=admin,dc=corp -w Adm1nPw -b dc=corp',
      `ldapsearch -x -D cn=admin,dc=corp -w ${M} -b dc=corp`,
    ],
    [
      'sqlcmd',
      'sqlcmd -S db01 -U sa -P Str0ng!Pw -Q "select 1"',
      `sqlcmd -S db01 -U sa -P ${M} -Q "select 1"`,
    ],
    [
      'curl -u',
      'curl -u bob:Hunter2! https://api.example.com',
      `curl -u bob:${M} https://api.example.com`,
    ],
    [
      'curl --user=',
      'curl --user=bob:Hunter2! https://api.example.com',
      `curl --user=bob:${M} https://api.example.com`,
    ],
    ['smbclient', 'smbclient //fs/share -U bob%Hunter2!', `smbclient //fs/share -U bob%${M}`],
    [
      'docker login',
      'docker login -u bot -p Tok3n9 registry.example.com',
      `docker login -u bot -p ${M} registry.example.com`,
    ],
    ['useradd hash', "useradd -m -p '$6$salt$hash' bob", `useradd -m -p '${M}' bob`],
    ['net user', 'net user bob S3cret! /add', `net user bob ${M} /add`],
    [
      'net1 user with domain',
      'C:\\Windows\\system32\\net1.exe user svc P@ssw0rd1 /add /domain',
      `C:\\Windows\\system32\\net1.exe user svc ${M} /add /domain`,
    ],
    [
      'net use',
      'net use Z: \\\\fs01\\share Winter2025! /user:CORP\\bob',
      `net use Z: \\\\fs01\\share ${M} /user:CORP\\bob`,
    ],
    [
      'net use, password last',
      'net use \\\\10.1.1.1\\C$ /user:CORP\\admin Winter2025!',
      `net use \\\\10.1.1.1\\C$ /user:CORP\\admin ${M}`,
    ],
    [
      'cmdkey',
      'cmdkey /add:fs01 /user:CORP\\bob /pass:Winter2025!',
      `cmdkey /add:fs01 /user:CORP\\bob /pass:${M}`,
    ],
    [
      'schtasks',
      'schtasks /create /tn t /tr x.exe /ru CORP\\svc /rp Winter2025!',
      `schtasks /create /tn t /tr x.exe /ru CORP\\svc /rp ${M}`,
    ],
    [
      'mimikatz pass-the-hash',
      'sekurlsa::pth /user:admin /domain:corp /ntlm:31d6cfe0d16ae931b73c59d7e0c089c0',
      `sekurlsa::pth /user:admin /domain:corp /ntlm:${M}`,
    ],
    [
      'ConvertTo-SecureString',
      "$p = ConvertTo-SecureString 'P@ssw0rd!' -AsPlainText -Force",
      `$p = ConvertTo-SecureString '${M}' -AsPlainText -Force`,
    ],
    [
      'nested in powershell -c',
      'powershell.exe -c "net user bob S3cret! /add"',
      `powershell.exe -c "net user bob ${M} /add"`,
    ],
    [
      'impacket target',
      'secretsdump.py CORP/admin:Winter2025!@10.0.0.5',
      `secretsdump.py CORP/admin:${M}@10.0.0.5`,
    ],
    [
      'impacket hashes',
      'wmiexec.py -hashes aad3b435b51404ee:31d6cfe0d16ae931 CORP/admin@10.0.0.5',
      `wmiexec.py -hashes ${M} CORP/admin@10.0.0.5`,
    ],
  ])('masks %s', (_, input, expected) => {
    expect(redact(input).text).toBe(expected);
  });

  it.each([
    ['mkdir -p', 'mkdir -p /var/lib/app'],
    ['docker run -p (a port)', 'docker run -d -p 8080:80 --name web nginx:1.25'],
    ['ssh -p (a port)', 'ssh -p 2222 deploy@10.0.0.7'],
    ['svchost -p', 'C:\\Windows\\System32\\svchost.exe -k netsvcs -p -s Schedule'],
    ['mysql prompting for a password', 'mysql -u root -p appdb'],
    ['psql -W prompt', 'psql -h db -U app -W'],
    ['docker login reading stdin', 'docker login -u bot --password-stdin registry.example.com'],
    ['a password file', 'app --password-file /run/secrets/db'],
    ['a key file path', 'ssh-agent add --private-key ~/.ssh/id_ed25519'],
    ['openssl reading the environment', 'openssl rsa -in k.pem -passin env:KEY_PASS'],
    ['ansible asking', 'ansible-playbook site.yml --ask-pass'],
    ['net user listing', 'net user bob /domain'],
    ['net user prompting', 'net user bob * /add'],
    ['net use without a password', 'net use Z: \\\\fs01\\share /user:CORP\\bob'],
    ['net use deleting', 'net use Z: /delete'],
    ['curl -u without a password', 'curl -u bob https://api.example.com'],
    ['a PowerShell variable', 'New-LocalUser -Name bob -Password $securePw'],
    ['a token count option', 'llm --max-tokens 512 --temperature 0'],
    ['a secret id option', 'aws secretsmanager get-secret-value --secret-id prod/db'],
  ])('leaves %s alone', (_, input) => {
    expect(redact(input)).toEqual({ text: input, rules: [] });
  });
});

; Inno Setup script: the Windows installer around PyInstaller's one-folder build (dist\annotator).
; Built by .github/workflows/package.yml:
;   iscc /DAppVersion=<version> /DArch=amd64 packaging\windows\annotator.iss
; -> dist\annotator-<version>-windows-amd64-setup.exe
; Installs per user by default (no administrator needed), adds a Start menu entry, and makes a
; double-click on a .annotator project open it in the app. Not run on the development machine.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=0.1.0 annotator.iss
#endif
#ifndef Arch
  #define Arch "amd64"
#endif

[Setup]
AppId={{6E0F6C2B-3A8C-4E0A-9C55-7A1D2F3B4C5D}
AppName=annotator
AppVersion={#AppVersion}
AppVerName=annotator {#AppVersion}
AppPublisher=annotator
DefaultDirName={autopf}\annotator
DefaultGroupName=annotator
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=annotator-{#AppVersion}-windows-{#Arch}-setup
SetupIconFile=..\..\build\annotator.ico
UninstallDisplayIcon={app}\annotatorw.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesAssociations=yes

[Files]
Source: "..\..\dist\annotator\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion

[Icons]
; annotatorw.exe: the app without a console window (annotator.exe is the command line).
Name: "{group}\annotator"; Filename: "{app}\annotatorw.exe"; WorkingDir: "{userdocs}"
Name: "{group}\Uninstall annotator"; Filename: "{uninstallexe}"

[Registry]
; .annotator -> annotator.project -> "annotator.exe open <file>"
Root: HKA; Subkey: "Software\Classes\.annotator"; ValueType: string; ValueName: ""; ValueData: "annotator.project"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\annotator.project"; ValueType: string; ValueName: ""; ValueData: "annotator project"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\annotator.project\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\annotatorw.exe,0"
Root: HKA; Subkey: "Software\Classes\annotator.project\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\annotatorw.exe"" open ""%1"""

[Run]
Filename: "{app}\annotatorw.exe"; Description: "Start annotator"; Flags: nowait postinstall skipifsilent
